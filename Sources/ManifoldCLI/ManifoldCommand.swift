import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `manifold` command. Named `ManifoldCommand` (and its subcommands `…Command`) so the
/// names cannot collide with the library's module and types (`Manifold`, `Digest`).
@main
struct ManifoldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manifold",
        abstract: "Verify, inspect and pack container images, offline.",
        discussion: """
            Exit codes: 0 all good; 1 content is not what it claims (corrupt, mismatched);
            2 the input could not be used (usage, unreadable path, unsupported format).
            With several inputs, 1 wins over 2: a failure is never hidden by another's error.
            """,
        version: ManifoldVersion.current,
        subcommands: [
            VerifyCommand.self, InspectCommand.self, PackCommand.self, PullCommand.self, DigestCommand.self, TagsCommand.self, ListCommand.self,
            PushCommand.self, CopyCommand.self, TagCommand.self, SignCommand.self, LoginCommand.self, LogoutCommand.self,
        ])

    /// Runs the command, mapping usage errors to exit code 2 (ArgumentParser's default is
    /// 64), so every "could not use the input" case exits the same way.
    static func main() {
        // `manifold inspect … | head` closes the pipe early: stop writing, do not die of SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        InterruptCleanup.install()
        let names = configuration.subcommands.compactMap { $0.configuration.commandName } + ["help"]
        if let word = CommandLine.arguments.dropFirst().first, let message = CommandSuggestion.message(for: word, among: names) {
            Terminal.error(message)
            Glibc.exit(ExitStatus.unusable)
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                Terminal.error(fullMessage(for: error))
                Glibc.exit(ExitStatus.unusable)
            }
            exit(withError: error)
        }
    }
}

/// The exit codes, in one place.
enum ExitStatus {
    static let ok: Int32 = 0
    /// Content is not what it claims.
    static let failed: Int32 = 1
    /// Input could not be used.
    static let unusable: Int32 = 2

    /// The exit status for several inputs: 1 if any input's content failed, else 2 if any
    /// could not be used, else 0. A content failure is the finding a CI job must not miss, so
    /// it is never hidden behind another input's usage error; every input's own verdict is
    /// printed anyway.
    static func combined(_ statuses: [Int32]) -> Int32 {
        if statuses.contains(failed) { return failed }
        if statuses.contains(unusable) { return unusable }
        return ok
    }
}
