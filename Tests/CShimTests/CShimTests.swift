import CFFmpeg
import CHDF5
import CLapack
import Testing

/// The shim headers' wrapped macros have the values the C headers give them, and each library links.
@Suite struct CShimTests {
    @Test func ffmpegErrorCodes() {
        #expect(fathom_AVERROR_EAGAIN() == -11)
        #expect(fathom_AVERROR_EOF() == -541_478_725)  // FFERRTAG('E','O','F',' ')
        #expect(fathom_AVERROR_INVALIDDATA() == -1_094_995_529)
        #expect(fathom_AV_NOPTS_VALUE() == Int64.min)
        #expect(avformat_version() >> 16 >= 59)
    }

    @Test func hdf5Constants() {
        #expect(fathom_H5P_DEFAULT() == 0)
        #expect(fathom_H5S_ALL() == 0)
        #expect(H5Tget_size(fathom_H5T_NATIVE_FLOAT()) == 4)
        #expect(H5Tget_size(fathom_H5T_NATIVE_INT64()) == 8)
        #expect(fathom_H5F_ACC_RDONLY() != fathom_H5F_ACC_TRUNC())
    }

    @Test func lapackSolvesALinearSystem() {
        // [2 1; 1 3] x = [3; 5]  →  x = [0.8, 1.4]
        var a: [Double] = [2, 1, 1, 3]
        var b: [Double] = [3, 5]
        var pivots = [Int32](repeating: 0, count: 2)
        let info = LAPACKE_dgesv(fathom_LAPACK_ROW_MAJOR(), 2, 1, &a, 2, &pivots, &b, 1)
        #expect(info == 0)
        #expect(abs(b[0] - 0.8) < 1e-12 && abs(b[1] - 1.4) < 1e-12)
    }
}
