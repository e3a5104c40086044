// containerd's matcher (github.com/containerd/platforms: Only / OnlyStrict), restated.

extension Platform {
    /// How well an image for this platform serves a client on `client`: nil when it cannot
    /// run there, otherwise a rank where lower is better (0: exact).
    ///
    /// After normalization the os and architecture must match; a lower variant of the same
    /// architecture also runs (an arm/v7 client runs arm/v6 and arm/v5, an amd64/v3 client
    /// runs v2 and v1). With `compatible`, other architectures the client can execute count
    /// too, ranked after its own: arm64 runs arm/v8…v5, amd64 runs 386.
    public func rank(forClient client: Platform, compatible: Bool = false) -> Int? {
        guard !isAttestation else { return nil }
        let entry = normalized, wanted = client.normalized
        guard entry.os == wanted.os else { return nil }
        var osVersionPenalty = 0
        if let want = client.osVersion, !want.isEmpty, let have = osVersion, !have.isEmpty, want != have {
            osVersionPenalty = 1  // Windows: another build of the OS runs, but its own is better
        }
        if entry.architecture == wanted.architecture {
            guard let lower = Self.variantDistance(entry: entry.variant, wanted: wanted.variant, architecture: entry.architecture) else {
                return nil
            }
            return lower * 2 + osVersionPenalty
        }
        guard compatible else { return nil }
        switch (wanted.architecture, entry.architecture) {
        case ("arm64", "arm"):
            let level = Self.variantLevel(entry.variant) ?? 7
            return 100 + (8 - level) * 2 + osVersionPenalty
        case ("amd64", "386"):
            return 100 + osVersionPenalty
        default:
            return nil
        }
    }

    /// 0 for the same variant; n when the entry's variant is n levels below the client's;
    /// nil when it is above or unrelated.
    private static func variantDistance(entry: String?, wanted: String?, architecture: String) -> Int? {
        if entry == wanted { return 0 }
        switch architecture {
        case "arm", "amd64":
            // amd64's default variant (v1) normalizes away: read it back as level 1.
            let defaultLevel = architecture == "amd64" ? 1 : 7
            let have = entry.map { variantLevel($0) } ?? defaultLevel
            let want = wanted.map { variantLevel($0) } ?? defaultLevel
            guard let have, let want, have <= want else { return nil }
            return want - have
        default:
            return nil
        }
    }

    private static func variantLevel(_ variant: String?) -> Int? {
        guard let variant, variant.hasPrefix("v"), let level = Int(variant.dropFirst()) else { return nil }
        return level
    }
}

/// Picks the index entry a client on a platform would run.
public enum PlatformSelection {
    /// The index of the best entry in `platforms` for `client`; the first of equally good
    /// ones wins (image-spec). Entries without a platform and attestations never match.
    public static func select(_ platforms: [Platform?], for client: Platform, compatible: Bool = false) -> Int? {
        var best: (index: Int, rank: Int)?
        for (index, platform) in platforms.enumerated() {
            guard let rank = platform?.rank(forClient: client, compatible: compatible) else { continue }
            if let current = best, current.rank <= rank { continue }
            best = (index, rank)
        }
        return best?.index
    }
}
