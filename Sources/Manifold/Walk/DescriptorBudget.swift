/// The `--max-descriptors` limit as a walk spends it: every descriptor visited counts, repeats
/// included, so no graph — however its documents refer to one another — makes the work
/// outgrow the limit.
struct DescriptorBudget {
    let limit: Int
    private(set) var spent = 0

    init(limit: Int) {
        self.limit = limit
    }

    /// Spends `count` descriptors; false once the total is past the limit.
    mutating func spend(_ count: Int = 1) -> Bool {
        spent += count
        return spent <= limit
    }

    /// The words for an image past the limit.
    var exceeded: String {
        "the image has more than \(limit) descriptors (the --max-descriptors limit)"
    }
}
