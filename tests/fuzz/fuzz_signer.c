/* libFuzzer: the requests the host key signer (server/svr-signer.c) accepts from the
 * connection process, which has parsed network data and, after login, runs as the user:
 * op 1 public key (string alg), op 2 sign (string alg || string hash), op 3 utmp login
 * (string line || string user || string host || uint32 pid), op 4 utmp logout (string
 * line). The helper's own request handler runs in process (signer_fuzz_serve, -DDB_FUZZ)
 * with every host key type (made once, as -R would). The utmp writers are stubbed
 * (--wrap): no record is written, but the stub checks what the signer let through.
 *
 * Input: a list of requests, each uint16 length || request. Invariants (abort on
 * violation): a signature is made only over 20..64 bytes (an exchange hash) with an
 * algorithm of the key's family; a login record is only for a "pts/<digits>" line; a
 * logout only for a line logged in before; at most one login per line at a time.
 * fuzz-link: -Wl,--wrap=utmp_login,--wrap=utmp_logout
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "err.h"
#include "key.h"
#include "log.h"
#include "server/server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char logged[DB_MAX_CHANNELS][32];

static int valid_line(const char *l)
{
	size_t i;

	if (strncmp(l, "pts/", 4) != 0 || !l[4])
		return 0;
	for (i = 4; l[i]; i++)
		if (l[i] < '0' || l[i] > '9')
			return 0;
	return 1;
}

void __wrap_utmp_login(const char *line, const char *user, uid_t uid, const char *host,
                       pid_t pid);
void __wrap_utmp_login(const char *line, const char *user, uid_t uid, const char *host,
                       pid_t pid)
{
	size_t i, free_slot = DB_MAX_CHANNELS;

	(void)user, (void)uid, (void)host;
	if (!valid_line(line) || strlen(line) >= sizeof(logged[0]) || pid <= 1)
		abort();
	for (i = 0; i < DB_MAX_CHANNELS; i++) {
		if (strcmp(logged[i], line) == 0)
			abort(); /* twice */
		if (!logged[i][0] && free_slot == DB_MAX_CHANNELS)
			free_slot = i;
	}
	if (free_slot == DB_MAX_CHANNELS)
		abort();
	strcpy(logged[free_slot], line);
}

void __wrap_utmp_logout(const char *line, pid_t pid);
void __wrap_utmp_logout(const char *line, pid_t pid)
{
	size_t i;

	(void)pid;
	for (i = 0; i < DB_MAX_CHANNELS; i++)
		if (strcmp(logged[i], line) == 0) {
			logged[i][0] = 0;
			return;
		}
	abort(); /* never logged in */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hostkeys hk;
	static int ready;
	struct buf in, req, out;

	if (!ready) {
		struct key *k;
		log_init("fuzz_signer", 0);
		if (crypto_init())
			abort();
		hk.gen[KEY_ED25519] = hk.gen[KEY_ECDSA_P256] = hk.gen[KEY_ECDSA_P384] =
		        hk.gen[KEY_ECDSA_P521] = hk.gen[KEY_RSA] = 1;
		/* made now, not on a first request: each input starts alike */
		(void)hostkeys_get(&hk, KEY_ED25519, &k);
		(void)hostkeys_get(&hk, KEY_ECDSA_P256, &k);
		(void)hostkeys_get(&hk, KEY_ECDSA_P384, &k);
		(void)hostkeys_get(&hk, KEY_ECDSA_P521, &k);
		(void)hostkeys_get(&hk, KEY_RSA, &k);
		ready = 1;
	}
	buf_view(&in, data, size);
	if (buf_init(&out, 1024, DB_MAX_PUBKEY_BLOB + 1024))
		abort();
	while (buf_avail(&in) >= 2) {
		const uint8_t *p = buf_ptr(&in);
		size_t n = (size_t)p[0] << 8 | p[1];
		uint8_t op;
		int r;
		(void)buf_skip(&in, 2);
		if (n > buf_avail(&in))
			n = buf_avail(&in);
		buf_view(&req, buf_ptr(&in), n);
		(void)buf_skip(&in, n);
		buf_reset(&out);
		op = n ? req.data[0] : 0;
		r = signer_fuzz_serve(&hk, &req, &out);
		if (r == 0 && op == 2) {
			/* op || string alg || string hash: the hash was 20..64 bytes */
			struct buf v;
			const uint8_t *alg, *h;
			size_t al, hl;
			buf_view(&v, req.data + 1, n - 1);
			if (buf_get_string(&v, &alg, &al) || buf_get_string(&v, &h, &hl) || hl < 20 ||
			    hl > 64 || out.len == 0)
				abort();
		}
	}
	buf_free(&out);
	return 0;
}
