import FathomMedia
import Testing

/// Every media suite runs inside this one, one test at a time: the tests count live FFmpeg
/// contexts process-wide, and each decode already uses every core.
@Suite(.serialized) enum MediaTests {}
