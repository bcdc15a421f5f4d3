@testable import VFIOCompat

/// Runs a probe's client script in process: each line is interpreted the way
/// `vfio-client` would, against a `VFIODispatcher` and simulated caller
/// processes, and printed as the client prints it (`ok RET [HEX]`, `err …`).
final class ProbeRunner {
    /// One step's answer and the last record the dispatcher wrote for it.
    struct StepResult {
        var line: String
        var output: ProbeOutput
        var record: TranslationRecord?
    }

    enum FD { case node(UInt64), foreign }

    let probe: Probe
    let profile: SemanticsProfile
    let dispatcher: VFIODispatcher
    let collector = RecordCollector()
    private(set) var processes: [Int32: SimulatedProcess] = [:]
    private(set) var current: SimulatedProcess
    /// Open fds of the caller (shared by every simulated process, as after fork or SCM_RIGHTS).
    private var fds: [Int32: FD] = [:]
    /// `$NAME` values: fd numbers (kept after close, so a stale name gives EBADF) and mmap addresses.
    private var symbols: [String: UInt64] = [:]

    init(_ probe: Probe, profile: SemanticsProfile) {
        self.probe = probe
        self.profile = profile
        let topology = probe.topology.flatMap(Topology.preset(named:)) ?? .default
        dispatcher = VFIODispatcher(
            configuration: DispatcherConfiguration(profile: profile, topology: topology,
                                                   dmaEntryLimit: probe.dmaEntryLimit ?? 65535),
            sink: collector)
        current = SimulatedProcess(pid: 4242, memlockLimit: probe.memlock, hasIPCLock: probe.ipcLock)
        processes[4242] = current
    }

    /// Runs every step in order.
    func run() -> [StepResult] {
        probe.steps.map { step in
            let before = collector.records.count
            let output = perform(step.line)
            let records = collector.records
            return StepResult(line: step.line, output: output, record: records.count > before ? records.last : nil)
        }
    }

    private func value(_ token: String) -> UInt64 {
        guard let v = ProbeValue.parse(token)?.resolve(symbols) else { fatalError("probe \(probe.name): bad value \(token)") }
        return v
    }

    private func request(_ token: String) -> UInt32 {
        if let known = VFIOIoctl.allCases.first(where: { $0.name == token }) { return known.request }
        return UInt32(value(token))
    }

    private func lowestFreeFD() -> Int32 {
        var fd: Int32 = 3
        while fds[fd] != nil { fd += 1 }
        return fd
    }

    private func output(_ result: Result<Int32, Errno>, buffer: [UInt8]? = nil) -> ProbeOutput {
        switch result {
        case .success(let v): ProbeOutput(ret: Int64(v), buffer: buffer)
        case .failure(let e): ProbeOutput(errno: e.rawValue, errnoName: e.name, buffer: buffer)
        }
    }

    private func ioctl(_ name: String, _ req: String, _ argument: UInt64) -> Result<Int32, Errno> {
        guard let fd = symbols[name].map({ Int32($0) }), let entry = fds[fd] else { return .failure(.badFileDescriptor) }
        guard case .node(let handle) = entry else { return .failure(.notTTY) }  // /dev/null: no such ioctl
        return dispatcher.ioctl(handle: handle, request: request(req), argument: argument, caller: current) { [fds] fd throws(Errno) in
            switch fds[fd] {
            case .node(let h)?: return .node(handle: h)
            case .foreign?: return .foreign
            case nil: throw .badFileDescriptor
            }
        }
    }

    private func perform(_ line: String) -> ProbeOutput {
        let w = line.split(separator: " ").map(String.init)
        switch w[0] {
        case "open":
            let path = w[2]
            let fd = lowestFreeFD()
            if path.hasPrefix("$MNT/") {
                let leaf = path.dropFirst(5)
                let node: VFIONode = leaf == "vfio" ? .container : .group(UInt32(leaf)!)
                switch dispatcher.open(node, caller: current.identity) {
                case .success(let handle): fds[fd] = .node(handle)
                case .failure(let e): return ProbeOutput(errno: e.rawValue, errnoName: e.name)
                }
            } else {
                fds[fd] = .foreign
            }
            symbols[w[1]] = UInt64(fd)
            return ProbeOutput(ret: Int64(fd))
        case "close":
            guard let fd = symbols[w[1]].map({ Int32($0) }), let entry = fds.removeValue(forKey: fd) else {
                return ProbeOutput(errno: Errno.badFileDescriptor.rawValue, errnoName: "EBADF")
            }
            if case .node(let handle) = entry, !fds.values.contains(where: { if case .node(handle) = $0 { true } else { false } }) {
                dispatcher.release(handle: handle, caller: current.identity)
            }
            return ProbeOutput(ret: 0)
        case "dup":
            guard let old = symbols[w[2]].map({ Int32($0) }), let entry = fds[old] else {
                return ProbeOutput(errno: Errno.badFileDescriptor.rawValue, errnoName: "EBADF")
            }
            let fd = lowestFreeFD()
            fds[fd] = entry
            symbols[w[1]] = UInt64(fd)
            return ProbeOutput(ret: Int64(fd))
        case "ioctl":
            return output(ioctl(w[1], w[2], value(w[3])))
        case "ioctl-buf":
            var bytes: [UInt8]
            if w[3].contains(":") {
                let fields = w[3].split(separator: ",").map { ProbeField.parse(String($0))! }
                bytes = ProbeField.encode(fields, symbols: symbols)!
            } else {
                bytes = ProbeOutput(line: "ok 0 " + w[3])!.buffer!
            }
            let size = max(bytes.count, w.count > 4 ? Int(value(w[4])) : 0)
            bytes += [UInt8](repeating: 0, count: size - bytes.count)
            let address = current.buffer(bytes, size: size)
            let result = ioctl(w[1], w[2], address)
            return output(result, buffer: current.peek(address, size))
        case "ioctl-fdptr":
            let fd = UInt32(truncatingIfNeeded: symbols[w[3]] ?? UInt64(UInt32.max))
            let address = current.buffer([UInt8(fd & 0xff), UInt8(fd >> 8 & 0xff), UInt8(fd >> 16 & 0xff), UInt8(fd >> 24)])
            return output(ioctl(w[1], w[2], address))
        case "ioctl-badptr":
            return output(ioctl(w[1], w[2], current.unmappedAddress))
        case "mmap":
            let mode = w.count > 3 ? w[3] : ""
            let address = current.mmap(Int(value(w[2])), writable: mode != "ro", device: mode == "device",
                                       name: mode == "device" ? "/sys/bus/pci/devices/0000:00:01.0/resource2" : nil)
            symbols[w[1]] = address
            return ProbeOutput(ret: Int64(bitPattern: address))
        case "munmap":
            current.munmap(value(w[1]), length: value(w[2]))
            return ProbeOutput(ret: 0)
        case "memlock":
            current.identity.memlockLimit = w[1] == "inf" ? nil : value(w[1])
            return ProbeOutput(ret: 0)
        case "caller":
            let pid = Int32(w[1])!
            let process = processes[pid] ?? SimulatedProcess(pid: pid, memlockLimit: probe.memlock, hasIPCLock: probe.ipcLock)
            processes[pid] = process
            current = process
            return ProbeOutput(ret: 0)
        case "sleep":
            return ProbeOutput(ret: 0)
        default:
            fatalError("probe \(probe.name): unknown step \(line)")
        }
    }
}
