/* deflate.h: our own deflate compressor (RFC 1951 inside the RFC 1950 wrapper) for the
 * sending side of SSH payload compression (compress.c). One stream per direction for the
 * connection's life: each dfl_packet call compresses one packet's payload and ends so
 * that the peer's inflate can output all of it at once; the 8 KB window carries across
 * packets. The stream never ends (no final block, no Adler-32): SSH never finishes it.
 * The state holds recent plaintext and is wiped by dfl_free. Memory: about 77 KB. */
#ifndef DEFLATE_H
#define DEFLATE_H

#include <stddef.h>
#include <stdint.h>

struct dfl;

/* A new stream, or NULL when out of memory. */
struct dfl *dfl_new(void);
/* Wipes and frees the stream (NULL is fine). */
void dfl_free(struct dfl *s);
/* The most bytes dfl_packet writes for n input bytes (zlib header, held bits and
 * stored-block framing included): n + n / 1024 + 32. */
size_t dfl_bound(size_t n);
/* Compresses in[n] as the stream's next packet into out[cap], *outlen bytes. 0, or
 * ERR_TOOBIG when cap is below dfl_bound(n) and the output did not fit: the stream is
 * then unusable (its state has moved on) and must be freed. */
int dfl_packet(struct dfl *s, const uint8_t *in, size_t n, uint8_t *out, size_t cap,
	       size_t *outlen);

#endif
