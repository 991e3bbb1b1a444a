/* svr-hostkey.c: which host keys the server has, which signature algorithms they give,
 * and -R's generation of a missing key on first need (Dropbear's behaviour: the key is
 * written to the default path of its type, 0600, never over an existing file). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "err.h"
#include "askpass.h"
#include "keyfile.h"
#include "log.h"
#include "server.h"

/* Our preference order for host keys: Ed25519, then ECDSA by curve, then RSA. */
static const enum key_type order[] = {KEY_ED25519, KEY_ECDSA_P256, KEY_ECDSA_P384, KEY_ECDSA_P521,
                                      KEY_RSA};

static int compiled(enum key_type t)
{
	const char *n = key_type_name(t);
	return n && key_type_from_name(n, strlen(n)) == t;
}

static int is_ecdsa(enum key_type t)
{
	return t == KEY_ECDSA_P256 || t == KEY_ECDSA_P384 || t == KEY_ECDSA_P521;
}

static const char *default_path(enum key_type t)
{
	if (t == KEY_ED25519)
		return DB_ED25519_HOST_KEY;
	if (is_ecdsa(t))
		return DB_ECDSA_HOST_KEY;
	return DB_RSA_HOST_KEY;
}

static enum key_type ecdsa_default_type(void)
{
	return DB_ECDSA_DEFAULT_BITS == 521   ? KEY_ECDSA_P521
	       : DB_ECDSA_DEFAULT_BITS == 384 ? KEY_ECDSA_P384
	                                      : KEY_ECDSA_P256;
}

static const char *load_error(int r)
{
	return r == ERR_IO ? strerror(errno) : err_str(r);
}

static int add_key(struct hostkeys *hk, struct key *k, const char *path)
{
	enum key_type t = key_type(k);

	if (t <= KEY_NONE || t >= HOSTKEY_SLOTS || !compiled(t)) {
		log_msg(LOG_WARNING, "Host key %s skipped: unsupported key type", path);
		key_free(k);
		return ERR_UNSUPPORTED;
	}
	if (hk->key[t]) {
		log_msg(LOG_ERR, "Host key %s: a %s host key was already loaded", path,
		        key_type_name(t));
		key_free(k);
		return ERR_EXISTS;
	}
	hk->key[t] = k;
	return 0;
}

/* A passphrase is asked only for an encrypted openssh-key-v1 file: none without them. */
#if DB_KEYFILE_TEXT
#define HOSTKEY_ASK askpass_key
#else
#define HOSTKEY_ASK NULL
#endif

static int load(struct hostkeys *hk, const char *const *files, int n, int gen)
{
	static const char *const defaults[] = {DB_ED25519_HOST_KEY, DB_ECDSA_HOST_KEY,
	                                       DB_RSA_HOST_KEY};
	struct key *k;
	size_t i;
	int r, any = 0;

	memset(hk, 0, sizeof(*hk));
	for (i = 0; i < (size_t)n; i++) {
		/* A key of a type we do not have (a leftover ssh_host_dsa_key, or one compiled
		 * out) is skipped with a warning, as OpenSSH and Dropbear do; a file that is
		 * missing or broken stops the start: a typo must not go unnoticed. */
		r = keyfile_load_ask(files[i], HOSTKEY_ASK, NULL, &k);
		if (r == ERR_UNSUPPORTED) {
			log_msg(LOG_WARNING, "Host key %s skipped: %s", files[i], err_str(r));
			continue;
		}
		if (r) {
			log_msg(LOG_ERR, "Cannot load host key %s: %s", files[i], load_error(r));
			return r;
		}
		if ((r = add_key(hk, k, files[i])) == ERR_UNSUPPORTED)
			continue;
		if (r)
			return r;
	}
	if (n == 0) {
		/* The default files are optional one by one; -R may create them later. */
		for (i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
			r = keyfile_load_ask(defaults[i], HOSTKEY_ASK, NULL, &k);
			if (r == ERR_IO && errno == ENOENT)
				continue;
			if (r) {
				log_msg(LOG_WARNING, "Cannot load host key %s: %s", defaults[i],
				        load_error(r));
				continue;
			}
			if ((r = add_key(hk, k, defaults[i])) && r != ERR_UNSUPPORTED)
				return r;
		}
	}
	if (gen) {
		int have_ecdsa = hk->key[KEY_ECDSA_P256] || hk->key[KEY_ECDSA_P384] ||
		                 hk->key[KEY_ECDSA_P521];
		enum key_type ec = ecdsa_default_type();
		if (compiled(KEY_ED25519) && !hk->key[KEY_ED25519])
			hk->gen[KEY_ED25519] = 1;
		if (compiled(ec) && !have_ecdsa)
			hk->gen[ec] = 1;
		if (compiled(KEY_RSA) && !hk->key[KEY_RSA])
			hk->gen[KEY_RSA] = 1;
	}
	for (i = 0; i < HOSTKEY_SLOTS; i++)
		any |= hk->key[i] != NULL || hk->gen[i];
	if (!any) {
		log_msg(LOG_ERR, "No host keys available (give -r FILE, or -R to create them)");
		return ERR_INVALID;
	}
	return 0;
}

/* On failure, the keys loaded so far are freed (and wiped) here, so that no caller's
 * exit path can leave one behind. */
__attribute__((noinline))
int hostkeys_load(struct hostkeys *hk, const char *const *files, int n, int gen)
{
	int r = load(hk, files, n, gen);
	if (r)
		hostkeys_free(hk);
	return r;
}

void hostkeys_free(struct hostkeys *hk)
{
	size_t i;
	for (i = 0; i < HOSTKEY_SLOTS; i++) {
		key_free(hk->key[i]);
		hk->key[i] = NULL;
	}
}

/* Appends name to a comma (or sep) separated list in out. */
static int list_add(char *out, size_t outsz, const char *name, const char *sep)
{
	size_t used = strlen(out);
	int n = snprintf(out + used, outsz - used, "%s%s", used ? sep : "", name);
	return n < 0 || (size_t)n >= outsz - used ? ERR_TOOBIG : 0;
}

static int add_sig_algs(char *out, size_t outsz, enum key_type t, const char *sep)
{
	int r;

	if (t != KEY_RSA)
		return list_add(out, outsz, key_type_name(t), sep);
	/* RFC 8332: SHA-2 signatures with the same RSA key; SHA-1 only when enabled. */
	if ((r = list_add(out, outsz, "rsa-sha2-512", sep)) ||
	    (r = list_add(out, outsz, "rsa-sha2-256", sep)))
		return r;
	return DB_SIG_SSH_RSA ? list_add(out, outsz, "ssh-rsa", sep) : 0;
}

int hostkeys_alg_list(const struct hostkeys *hk, char *out, size_t outsz)
{
	size_t i;
	int r;

	out[0] = 0;
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if ((hk->key[order[i]] || hk->gen[order[i]]) &&
		    (r = add_sig_algs(out, outsz, order[i], ",")))
			return r;
	return 0;
}

int hostkeys_sig_algs(char *out, size_t outsz, const char *sep)
{
	size_t i;
	int r;

	out[0] = 0;
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (compiled(order[i]) && (r = add_sig_algs(out, outsz, order[i], sep)))
			return r;
	return 0;
}

enum key_type hostkeys_alg_type(const char *alg, size_t len)
{
	if ((len == 12 && memcmp(alg, "rsa-sha2-512", 12) == 0) ||
	    (len == 12 && memcmp(alg, "rsa-sha2-256", 12) == 0))
		return compiled(KEY_RSA) ? KEY_RSA : KEY_NONE;
	if (len == 7 && memcmp(alg, "ssh-rsa", 7) == 0)
		return DB_SIG_SSH_RSA && compiled(KEY_RSA) ? KEY_RSA : KEY_NONE;
	return key_type_from_name(alg, len);
}

/* -R on a fresh machine (inetd mode, a first systemd start): /etc/dropbear may not exist
 * yet. Creates the key file's own directory (not its parents), 0700, as Dropbear does;
 * 0 when it made it (a write worth trying again), -1 otherwise. */
static int make_parent(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');

	if (!slash || slash == path || (size_t)(slash - path) >= sizeof(dir))
		return -1;
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = 0;
	if (mkdir(dir, 0700) != 0)
		return -1;
	log_msg(LOG_INFO, "Created directory %s for host keys", dir);
	return 0;
}

/* -R: creates the key of type t at its default path, unless someone (another
 * connection's signer) did first; then that file is the key. */
static int generate(struct hostkeys *hk, enum key_type t)
{
	const char *path = default_path(t);
	struct key *k = NULL;
	struct buf b;
	char fp[KEY_FP_LEN];
	int r, tries;

	for (tries = 0; tries < 2; tries++) {
		r = keyfile_load(path, &k);
		if (r == 0)
			break;
		if (!(r == ERR_IO && errno == ENOENT))
			break;
		log_msg(LOG_INFO, "Generating %s host key %s", key_type_name(t), path);
		if ((r = key_generate(t, t == KEY_RSA ? DB_RSA_DEFAULT_BITS : 0, &k)))
			break;
		if ((r = buf_init_secret(&b, 512, DB_MAX_KEYFILE)) == 0) {
			if ((r = keyfile_dropbear_put(k, &b)) == 0)
				r = keyfile_write_new(path, b.data, b.len, 0600);
			if (r == ERR_IO && make_parent(path) == 0)
				r = keyfile_write_new(path, b.data, b.len, 0600);
			buf_free(&b);
		}
		if (r == 0) {
			if (key_fingerprint(k, fp, sizeof(fp)) == 0)
				log_msg(LOG_INFO, "Generated %s host key %s, fingerprint %s",
				        key_type_name(t), path, fp);
			break;
		}
		key_free(k);
		k = NULL;
		if (r != ERR_EXISTS)
			break;
		/* lost the race to another connection: load what it wrote */
	}
	if (r) {
		log_msg(LOG_ERR, "Cannot create host key %s: %s", path, load_error(r));
		return r;
	}
	if (key_type(k) != t) {
		log_msg(LOG_ERR, "Host key %s is not a %s key", path, key_type_name(t));
		key_free(k);
		return ERR_MISMATCH;
	}
	hk->key[t] = k;
	hk->gen[t] = 0;
	return 0;
}

int hostkeys_get(struct hostkeys *hk, enum key_type t, struct key **out)
{
	int r;

	if (t <= KEY_NONE || t >= HOSTKEY_SLOTS)
		return ERR_UNSUPPORTED;
	if (!hk->key[t]) {
		if (!hk->gen[t])
			return ERR_UNSUPPORTED;
		if ((r = generate(hk, t)))
			return r;
	}
	*out = hk->key[t];
	return 0;
}
