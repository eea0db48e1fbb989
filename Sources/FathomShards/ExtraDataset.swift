import FathomCore

/// An array stored beside a clip's contract datasets, outside the contract: e.g. the object masks
/// and object poses of synthetic ground truth (`truth/object_index`). Readers of `fathom.shard/1`
/// ignore groups they do not know, so extras never break them.
public enum ExtraDataset: Sendable, Equatable {
    case uint8(Tensor<UInt8>)
    case float32(Tensor<Float>)
}
