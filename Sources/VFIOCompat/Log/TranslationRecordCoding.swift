#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The translation log's line format: one record as one compact JSON object
/// (keys sorted, so identical records give identical lines) plus a newline.
public enum TranslationRecordCoding {
    /// The record as one JSON Lines line, trailing newline included.
    public static func line(for record: TranslationRecord) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var bytes = [UInt8](try encoder.encode(record))
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// Decodes one line (with or without its newline).
    public static func record(from line: some Collection<UInt8>) throws -> TranslationRecord {
        try JSONDecoder().decode(TranslationRecord.self, from: Data(line))
    }
}
