import Manifold

extension RegistryClient {
    /// `request` with a deadline no later than the run's; throws the run's timeout error,
    /// naming the request, when no time is left.
    func bounded(_ request: HTTPRequest) throws -> HTTPRequest {
        guard let deadline else { return request }
        guard !deadline.hasPassed else { throw deadlineError("\(request.method) \(Self.redacted(request.url))", deadline) }
        var request = request
        request.deadline = min(request.deadline ?? deadline.remaining, deadline.remaining)
        return request
    }

    /// Runs a transfer; a timeout once the run's deadline has passed is the deadline's error
    /// (the transfer was cut short by it, not by the server), keeping the transfer's words.
    func explainingDeadline<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ManifoldError {
            guard let deadline, deadline.endedTransfer, (error.cause as? HTTPTransportFailure)?.kind == .timeout else {
                throw error
            }
            // No transport cause: nothing retries or resumes past the deadline.
            throw ManifoldError(.unreadable, "\(error.message); \(Self.ranOut(deadline))")
        }
    }

    /// A retry's wait, shortened to the time left (the next attempt then fails at once).
    func sleepBeforeRetry(_ delay: Duration) {
        RetryPolicy.sleep(deadline.map { min(delay, $0.remaining) } ?? delay)
    }

    private func deadlineError(_ what: String, _ deadline: RegistryDeadline) -> ManifoldError {
        ManifoldError(.unreadable, "\(what): \(Self.ranOut(deadline))")
    }

    private static func ranOut(_ deadline: RegistryDeadline) -> String {
        "gave up: the time limit (\(deadline.label)) ran out"
    }

    private static func redacted(_ url: String) -> String {
        (try? URLParts(url).redacted) ?? url
    }
}
