// OpenSSL's libcrypto as Swift sees it, for one thing: SHA-256 of part files at the speed of the
// CPU's SHA instructions (about 5x FathomCore's portable SHA256), because the last part of every
// shard is hashed after the last clip is labelled, while the cores wait. The digest API used is
// plain functions, so nothing is wrapped here.
#ifndef FATHOM_CCRYPTO_SHIM_H
#define FATHOM_CCRYPTO_SHIM_H
#include <openssl/evp.h>
#endif
