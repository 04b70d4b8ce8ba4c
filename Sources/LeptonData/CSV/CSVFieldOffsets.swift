/// Where the fields of the record last parsed by ``CSVRecordParser`` are: per field the start and end of its bytes
/// and the buffer offset where it began (at its opening quote, if any).
///
/// A growable store written once per field on the parser's hot path, without the uniqueness check and capacity
/// bookkeeping of three arrays. It belongs to one parser.
final class CSVFieldOffsets {
    /// Fields with a start and an end.
    private(set) var count = 0
    /// Fields with a raw start (one more than `count` while a field is being scanned).
    private(set) var rawCount = 0
    private var capacity: Int
    /// Per field: start, end, raw start.
    private var storage: UnsafeMutablePointer<Int>

    init() {
        capacity = 16
        storage = .allocate(capacity: 3 * capacity)
    }

    deinit { storage.deallocate() }

    /// Forgets every field.
    @inline(__always)
    func removeAll() {
        count = 0
        rawCount = 0
    }

    /// The start of field `index` (see ``CSVRecordParser``).
    @inline(__always)
    func start(_ index: Int) -> Int {
        precondition(index >= 0 && index < count, "CSVFieldOffsets: field \(index) out of 0..<\(count)")
        return storage[3 * index]
    }

    /// The end of field `index`.
    @inline(__always)
    func end(_ index: Int) -> Int {
        precondition(index >= 0 && index < count, "CSVFieldOffsets: field \(index) out of 0..<\(count)")
        return storage[3 * index + 1]
    }

    /// The buffer offset where field `index` began.
    @inline(__always)
    func rawStart(_ index: Int) -> Int {
        precondition(index >= 0 && index < rawCount, "CSVFieldOffsets: field \(index) out of 0..<\(rawCount)")
        return storage[3 * index + 2]
    }

    /// Records that the next field begins at `offset`.
    @inline(__always)
    func appendRawStart(_ offset: Int) {
        if rawCount == capacity { grow() }
        storage[3 * rawCount + 2] = offset
        rawCount += 1
    }

    /// Records the bytes of the field whose raw start was recorded last.
    @inline(__always)
    func appendField(start: Int, end: Int) {
        precondition(count < rawCount, "CSVFieldOffsets: a field without a raw start")
        storage[3 * count] = start
        storage[3 * count + 1] = end
        count += 1
    }

    /// Doubles the capacity.
    private func grow() {
        let (doubled, overflow) = capacity.multipliedReportingOverflow(by: 2)
        precondition(!overflow, "CSVFieldOffsets: too many fields")
        let larger = UnsafeMutablePointer<Int>.allocate(capacity: 3 * doubled)
        larger.update(from: storage, count: 3 * capacity)
        storage.deallocate()
        storage = larger
        capacity = doubled
    }
}
