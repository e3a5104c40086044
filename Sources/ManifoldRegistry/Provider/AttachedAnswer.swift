import Manifold

/// One answer of the registry about what is attached to a manifest: the manifest under
/// one of cosign's tags for it (nil: 404, none), or its referrers (nil: no referrers API).
enum AttachedAnswer: Sendable {
    case tagged(RegistryManifest?)
    case referrers([Descriptor]?)
}
