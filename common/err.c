#include "err.h"

const char *err_str(int err)
{
	switch (err) {
	case ERR_OK: return "success";
	case ERR_TRUNCATED: return "truncated data";
	case ERR_TOOBIG: return "size exceeds limit";
	case ERR_FORMAT: return "malformed data";
	case ERR_NOMEM: return "out of memory";
	case ERR_CRYPTO: return "cryptographic operation failed";
	case ERR_BADSIG: return "signature verification failed";
	case ERR_UNSUPPORTED: return "unsupported algorithm or key type";
	case ERR_IO: return "I/O error";
	case ERR_EXISTS: return "file exists";
	case ERR_MISMATCH: return "public key does not match private key";
	case ERR_TRAILING: return "unexpected trailing data";
	case ERR_INVALID: return "invalid value";
	case ERR_PASSPHRASE: return "incorrect passphrase";
	case ERR_NEEDPRIVATE: return "not a private key";
	case ERR_AGAIN: return "need more data";
	case ERR_PROTOCOL: return "protocol error";
	case ERR_CLOSED: return "connection closed";
	}
	return "unknown error";
}
