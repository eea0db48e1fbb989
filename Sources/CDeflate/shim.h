// libdeflate as Swift sees it: whole-buffer DEFLATE, 1.5–2× faster than zlib at the same ratio.
// Its zlib-wrapped output is exactly what HDF5's deflate filter stores and what every HDF5 reader
// (h5py included) inflates, so Fathom compresses chunks itself and hands HDF5 the finished bytes.
// The header defines no macros Swift needs, so nothing is wrapped here.
#ifndef FATHOM_CDEFLATE_SHIM_H
#define FATHOM_CDEFLATE_SHIM_H
#include <libdeflate.h>
#endif
