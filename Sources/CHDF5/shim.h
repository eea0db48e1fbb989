// The HDF5 C API as Swift sees it. Every HDF5 macro Fathom needs is wrapped here as a prefixed
// inline function, and nowhere else: many of HDF5's "constants" are macros that call H5open()
// and then read a global id (H5T_NATIVE_FLOAT is `(H5OPEN H5T_NATIVE_FLOAT_g)`), so reading the
// global directly before the library is open is a bug.
#ifndef FATHOM_CHDF5_SHIM_H
#define FATHOM_CHDF5_SHIM_H
#include <hdf5.h>

static inline hid_t fathom_H5P_DEFAULT(void) { return H5P_DEFAULT; }
static inline hid_t fathom_H5S_ALL(void) { return H5S_ALL; }
static inline hid_t fathom_H5E_DEFAULT(void) { return H5E_DEFAULT; }
static inline size_t fathom_H5T_VARIABLE(void) { return H5T_VARIABLE; }

static inline unsigned fathom_H5F_ACC_RDONLY(void) { return H5F_ACC_RDONLY; }
static inline unsigned fathom_H5F_ACC_TRUNC(void) { return H5F_ACC_TRUNC; }
static inline unsigned fathom_H5F_ACC_RDWR(void) { return H5F_ACC_RDWR; }
static inline unsigned fathom_H5F_OBJ_ALL(void) { return H5F_OBJ_ALL; }
static inline unsigned fathom_H5F_OBJ_FILE(void) { return H5F_OBJ_FILE; }

static inline hid_t fathom_H5P_FILE_ACCESS(void) { return H5P_FILE_ACCESS; }
static inline hid_t fathom_H5P_DATASET_CREATE(void) { return H5P_DATASET_CREATE; }

static inline hid_t fathom_H5T_NATIVE_UINT8(void) { return H5T_NATIVE_UINT8; }
static inline hid_t fathom_H5T_NATIVE_INT64(void) { return H5T_NATIVE_INT64; }
static inline hid_t fathom_H5T_NATIVE_FLOAT(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t fathom_H5T_NATIVE_DOUBLE(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t fathom_H5T_C_S1(void) { return H5T_C_S1; }
static inline hid_t fathom_H5T_IEEE_F32LE(void) { return H5T_IEEE_F32LE; }

#endif
