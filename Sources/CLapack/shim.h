// OpenBLAS (CBLAS) and LAPACKE as Swift sees them. Matrices are row-major throughout Fathom, so
// the layout macro is wrapped once here.
#ifndef FATHOM_CLAPACK_SHIM_H
#define FATHOM_CLAPACK_SHIM_H
#include <cblas.h>
#include <lapacke.h>

static inline int fathom_LAPACK_ROW_MAJOR(void) { return LAPACK_ROW_MAJOR; }

#endif
