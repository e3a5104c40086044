extension Sequence<UInt64> {
    /// The sum, or `UInt64.max` when it would overflow: sizes that documents declare are
    /// attacker-chosen (`Int64.max` each), and a total for a summary line must not trap.
    package func saturatingSum() -> UInt64 {
        reduce(0) { total, next in
            let (sum, overflow) = total.addingReportingOverflow(next)
            return overflow ? .max : sum
        }
    }
}
