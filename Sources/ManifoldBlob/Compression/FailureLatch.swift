/// Remembers that a decompressor failed, so later calls are refused instead of running on
/// from a broken state.
struct FailureLatch {
    private var failed = false
    private let name: String

    init(_ name: String) { self.name = name }

    /// Runs `body`, latching on any error it throws; refuses to run once latched.
    mutating func run<T>(_ body: () throws -> T) throws -> T {
        guard !failed else { throw ManifoldError(.internalFailure, "\(name) decompressor used after an error") }
        do {
            return try body()
        } catch {
            failed = true
            throw error
        }
    }
}
