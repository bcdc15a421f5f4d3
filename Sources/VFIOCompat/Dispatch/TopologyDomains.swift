import IOPageTable

extension DomainSpec {
    /// The simulated IOMMU paging domain a group of this topology sits behind.
    func engineDomain(id: DomainID) -> Domain {
        Domain(id: id,
               aperture: IOVARange(start: apertureStart, last: apertureLast),
               pageSizes: pgsizes,
               enforceCacheCoherency: coherent,
               reservedRegions: reserved.map { ReservedRegion(range: IOVARange(start: $0.start, last: $0.last), kind: $0.type) })
    }
}

extension TranslationLogWriter: TranslationRecordSink {
    public func emit(_ record: TranslationRecord) { _ = append(record) }
}
