/// Fathom's version, written into every shard's `producer` attribute and printed by `--version`.
public enum FathomVersion {
    public static let current = "0.1.0"
}
