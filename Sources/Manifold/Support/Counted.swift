/// "1 platform", "2 platforms": how the library's messages and the CLI's output count things,
/// so that none says "1 layers". `plural` for the irregular ones.
package func counted(_ count: Int, _ singular: String, plural: String? = nil) -> String {
    "\(count) \(count == 1 ? singular : plural ?? singular + "s")"
}
