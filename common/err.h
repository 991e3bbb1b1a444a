/* err.h: the error codes every function in common/ returns. 0 is success, every
 * failure is negative; err_str() gives a short human phrase for logs and
 * one-line messages. Code in common/ never exits: it returns one of these. */
#ifndef ERR_H
#define ERR_H

enum {
	ERR_OK = 0,
	ERR_TRUNCATED = -1,   /* input ended before a field did */
	ERR_TOOBIG = -2,      /* a length or size beyond a named limit */
	ERR_FORMAT = -3,      /* malformed encoding */
	ERR_NOMEM = -4,       /* allocation failed */
	ERR_CRYPTO = -5,      /* a primitive failed */
	ERR_BADSIG = -6,      /* signature or MAC did not verify */
	ERR_UNSUPPORTED = -7, /* algorithm or type not known or not compiled in */
	ERR_IO = -8,          /* read/write failed (errno is kept) */
	ERR_EXISTS = -9,      /* refusing to overwrite */
	ERR_MISMATCH = -10,   /* inconsistent key: public half does not match private */
	ERR_TRAILING = -11,   /* bytes left over after a complete structure */
	ERR_INVALID = -12,    /* invalid argument or value */
	ERR_PASSPHRASE = -13, /* wrong passphrase / decryption check failed */
	ERR_NEEDPRIVATE = -14,/* a public key was given where a private one is needed */
	ERR_AGAIN = -15,      /* not enough input yet: call again with more */
	ERR_PROTOCOL = -16,   /* the peer broke the protocol */
	ERR_CLOSED = -17,     /* the peer closed the connection */
};

const char *err_str(int err);

#endif
