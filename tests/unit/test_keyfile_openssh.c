/* Key files from OpenSSH's world: openssh-key-v1 made by ssh-keygen (unencrypted and
 * with each cipher), PEM PKCS#1 / SEC 1 / PKCS#8 made by ssh-keygen and openssl, with
 * the public blobs their .pub files hold; every truncation refused; wrong passphrases,
 * mismatched halves, public keys and unsupported forms refused with their own error;
 * our writer against ssh-keygen's bytes; and the DER reader's strictness. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bcrypt.h"
#include "buf.h"
#include "crypto.h"
#include "der.h"
#include "err.h"
#include "harness.h"
#include "key.h"
#include "keyfile-openssh.h"
#include "keyfile.h"

#include "fixtures_openssh.h"

#define NFIX (sizeof(fixtures) / sizeof(fixtures[0]))

static int parse_text(const char *text, size_t n, const char *pass, struct key **k)
{
	return keyfile_openssh_parse((const uint8_t *)text, n, pass, k);
}

static int blob_b64(const struct key *k, char *out, size_t outsz)
{
	struct buf b;
	int r;
	if ((r = buf_init(&b, 0, 4096)) != 0)
		return r;
	r = key_put_blob(k, &b);
	if (r == 0)
		r = base64_enc(b.data, b.len, out, outsz);
	buf_free(&b);
	return r;
}

/* The decoded contents of a fixture and its label. */
static void decode(const char *text, char label[PEM_MAX_LABEL], struct buf *der)
{
	CHECK_OK(buf_init(der, 0, 1 << 16));
	CHECK_OK(pem_decode((const uint8_t *)text, strlen(text), label, der));
}

/* label + bytes, armoured again, then parsed. */
static int parse_der(const char *label, const uint8_t *p, size_t n, const char *pass,
		     struct key **k)
{
	struct buf t;
	int r;
	*k = NULL;
	if ((r = buf_init(&t, 0, 1 << 17)) != 0)
		return r;
	r = pem_encode(label, p, n, 64, &t);
	if (r == 0)
		r = keyfile_openssh_parse(t.data, t.len, pass, k);
	buf_free(&t);
	return r;
}

static void test_fixtures_parse(void)
{
	size_t i;
	for (i = 0; i < NFIX; i++) {
		const struct fixture *f = &fixtures[i];
		struct key *k = NULL;
		char b64[2048];
		int r = parse_text(f->text, strlen(f->text), f->pass, &k);
		if (r != 0) {
			fprintf(stderr, "  %s: %s\n", f->name, err_str(r));
			CHECK(r == 0);
			continue;
		}
		CHECK(key_is_private(k));
		CHECK_OK(blob_b64(k, b64, sizeof(b64)));
		CHECK(strcmp(b64, f->pub) == 0);
		CHECK(strcmp(key_comment(k), f->comment) == 0);
		key_free(k);
	}
}

static void test_wrong_or_missing_passphrase(void)
{
	size_t i;
	for (i = 0; i < NFIX; i++) {
		const struct fixture *f = &fixtures[i];
		struct key *k = NULL;
		if (!f->pass)
			continue;
		CHECK(parse_text(f->text, strlen(f->text), "wrong pass", &k) == ERR_PASSPHRASE);
		CHECK(parse_text(f->text, strlen(f->text), NULL, &k) == ERR_PASSPHRASE);
		CHECK(parse_text(f->text, strlen(f->text), "", &k) == ERR_PASSPHRASE);
		CHECK(k == NULL);
	}
}

static void test_info(void)
{
	struct keyfile_openssh_info info;
	size_t i;
	for (i = 0; i < NFIX; i++) {
		const struct fixture *f = &fixtures[i];
		int r = keyfile_openssh_info((const uint8_t *)f->text, strlen(f->text), &info);
		if (strstr(f->text, "OPENSSH PRIVATE KEY") == NULL) {
			CHECK(r != 0);
			continue;
		}
		CHECK_OK(r);
		CHECK(info.encrypted == (f->pass != NULL));
		CHECK(info.supported);
		CHECK(info.type != KEY_NONE);
		if (f->pass) {
			CHECK(strcmp(info.kdf, "bcrypt") == 0 && info.rounds == 2);
			CHECK(strncmp(info.cipher, f->name + 3, strlen(f->name + 3)) == 0);
		} else {
			CHECK(strcmp(info.cipher, "none") == 0 && strcmp(info.kdf, "none") == 0);
		}
	}
}

/* Every prefix of every file: refused, except the one that lacks only the final
 * newline, which is still a whole file. */
static void test_truncated_text(void)
{
	size_t i, n;
	for (i = 0; i < NFIX; i++) {
		const struct fixture *f = &fixtures[i];
		size_t len = strlen(f->text);
		int bad = 0;
		for (n = 0; n + 1 < len; n++) {
			struct key *k = NULL;
			if (parse_text(f->text, n, f->pass, &k) == 0 || k != NULL) {
				bad++;
				key_free(k);
			}
		}
		CHECK(bad == 0);
	}
}

/* Every prefix of the decoded contents, armoured properly: the binary parsers see the
 * truncation itself. */
static void test_truncated_contents(void)
{
	size_t i, n;
	for (i = 0; i < NFIX; i++) {
		const struct fixture *f = &fixtures[i];
		char label[PEM_MAX_LABEL];
		struct buf der;
		int bad = 0;
		decode(f->text, label, &der);
		for (n = 0; n < der.len; n++) {
			struct key *k = NULL;
			int r = parse_der(label, der.data, n, f->pass, &k);
			if (r == 0 || k != NULL) {
				bad++;
				key_free(k);
			}
		}
		CHECK(bad == 0);
		buf_free(&der);
	}
}

/* Every single-byte change of two unencrypted files: any outcome but a crash (the
 * sanitizers watch), and never a key with another public half. */
static void test_flipped_bytes(void)
{
	static const size_t which[] = { 0, 10 }; /* ed_plain, ec_pem */
	size_t w, n;
	for (w = 0; w < sizeof(which) / sizeof(which[0]); w++) {
		const struct fixture *f = &fixtures[which[w]];
		char label[PEM_MAX_LABEL], b64[2048];
		struct buf der;
		decode(f->text, label, &der);
		for (n = 0; n < der.len; n++) {
			struct key *k = NULL;
			der.data[n] ^= 0x01;
			if (parse_der(label, der.data, der.len, NULL, &k) == 0) {
				CHECK_OK(blob_b64(k, b64, sizeof(b64)));
				CHECK(strcmp(b64, f->pub) == 0); /* a changed comment or padding */
				key_free(k);
			}
			der.data[n] ^= 0x01;
		}
		buf_free(&der);
	}
}

/* The offset of the last byte of field idx (1: the first after the type name) of the
 * private section of an unencrypted openssh-key-v1 blob. */
static size_t field_end(const struct buf *der, int idx)
{
	struct buf b;
	const uint8_t *p;
	size_t n = 0;
	uint32_t u;
	int i;
	buf_view(&b, der->data, der->len);
	CHECK(buf_skip(&b, 15) == 0 && buf_get_string(&b, &p, &n) == 0 &&
	      buf_get_string(&b, &p, &n) == 0 && buf_get_string(&b, &p, &n) == 0 &&
	      buf_get_u32(&b, &u) == 0 && buf_get_string(&b, &p, &n) == 0 &&
	      buf_get_u32(&b, &u) == 0 && buf_skip(&b, 8) == 0);
	for (i = 0; i <= idx; i++)
		CHECK(buf_get_string(&b, &p, &n) == 0);
	return b.pos - 1;
}

/* Offset of the first occurrence of needle in the decoded bytes. */
static size_t find(const struct buf *b, const void *needle, size_t n, size_t from)
{
	size_t i;
	for (i = from; i + n <= b->len; i++)
		if (memcmp(b->data + i, needle, n) == 0)
			return i;
	return (size_t)-1;
}

static void test_mismatch(void)
{
	char label[PEM_MAX_LABEL];
	struct buf der;
	struct key *k = NULL;
	size_t at;
	uint8_t pk[32];

	/* ed25519: the header's public key, then the private section's copy, changed */
	decode(fixtures[0].text, label, &der);
	at = find(&der, "ssh-ed25519", 11, 0);
	CHECK(at != (size_t)-1);
	memcpy(pk, der.data + at + 15, 32);
	der.data[at + 15] ^= 0x40;
	CHECK(parse_der(label, der.data, der.len, NULL, &k) == ERR_MISMATCH);
	der.data[at + 15] ^= 0x40;
	at = find(&der, pk, 32, at + 15 + 32);
	CHECK(at != (size_t)-1);
	der.data[at] ^= 0x40; /* the first private copy: disagrees with seed||pk */
	CHECK(parse_der(label, der.data, der.len, NULL, &k) == ERR_MISMATCH);
	der.data[at] ^= 0x40;
	at = find(&der, pk, 32, at + 32);
	CHECK(at != (size_t)-1);
	der.data[at] ^= 0x40; /* both private copies of pk, but not the seed */
	der.data[at - 4 - 32 - 32] ^= 0x40;
	CHECK(parse_der(label, der.data, der.len, NULL, &k) == ERR_MISMATCH);
	buf_free(&der);

	/* ECDSA: d changed, Q kept */
	decode(fixtures[6].text, label, &der);
	der.data[field_end(&der, 3)] ^= 0x01;
	CHECK(parse_der(label, der.data, der.len, NULL, &k) == ERR_MISMATCH);
	buf_free(&der);

	/* RSA: iqmp must be q^-1 mod p, and d must fit e */
	decode(fixtures[8].text, label, &der);
	der.data[field_end(&der, 4)] ^= 0x01;
	CHECK(parse_der(label, der.data, der.len, NULL, &k) == ERR_MISMATCH);
	der.data[field_end(&der, 4)] ^= 0x01;
	der.data[field_end(&der, 3)] ^= 0x02;
	CHECK(parse_der(label, der.data, der.len, NULL, &k) == ERR_MISMATCH);
	buf_free(&der);

	/* PKCS#1: the last byte of qinv */
	decode(fixtures[9].text, label, &der);
	der.data[der.len - 1] ^= 0x01;
	CHECK(parse_der(label, der.data, der.len, NULL, &k) == ERR_MISMATCH);
	buf_free(&der);
	CHECK(k == NULL);
}

static void test_public_keys_refused(void)
{
	struct key *k = NULL;
	char line[512];
	snprintf(line, sizeof(line), "ssh-ed25519 %s me@host\n", fixtures[0].pub);
	CHECK(parse_text(line, strlen(line), NULL, &k) == ERR_NEEDPRIVATE);
	snprintf(line, sizeof(line), "\n  ecdsa-sha2-nistp256 %s\n", fixtures[6].pub);
	CHECK(parse_text(line, strlen(line), NULL, &k) == ERR_NEEDPRIVATE);
	snprintf(line, sizeof(line), "---- BEGIN SSH2 PUBLIC KEY ----\n%s\n"
		 "---- END SSH2 PUBLIC KEY ----\n", fixtures[0].pub);
	CHECK(parse_text(line, strlen(line), NULL, &k) == ERR_NEEDPRIVATE);
	CHECK(parse_text(rsa_public_pem, strlen(rsa_public_pem), NULL, &k) == ERR_NEEDPRIVATE);
	CHECK(parse_text(spki_public_pem, strlen(spki_public_pem), NULL, &k) == ERR_NEEDPRIVATE);
	CHECK(k == NULL);
}

/* RFC 7468 leniency that real files need: CRLF line ends, text before the BEGIN line
 * and after the END line; but the END label must match and the body must be there. */
static void test_pem_leniency(void)
{
	const char *src = fixtures[10].text; /* ec_pem */
	char crlf[2048], *d = crlf;
	const char *p;
	struct key *k = NULL;
	size_t n;

	for (p = src; *p; p++) {
		if (*p == '\n')
			*d++ = '\r';
		*d++ = *p;
	}
	*d = 0;
	CHECK_OK(parse_text(crlf, strlen(crlf), NULL, &k));
	key_free(k);
	n = (size_t)snprintf(crlf, sizeof(crlf), "Subject: my key\n\n%sbye\n", src);
	CHECK_OK(parse_text(crlf, n, NULL, &k));
	key_free(k);
	n = (size_t)snprintf(crlf, sizeof(crlf), "%s", src);
	memcpy(strstr(crlf, "-----END EC") + 9, "XX", 2); /* END label differs */
	CHECK(parse_text(crlf, n, NULL, &k) == ERR_FORMAT);
	n = (size_t)snprintf(crlf, sizeof(crlf),
			     "-----BEGIN EC PRIVATE KEY-----\n-----END EC PRIVATE KEY-----\n");
	CHECK(parse_text(crlf, n, NULL, &k) == ERR_FORMAT);
	n = (size_t)snprintf(crlf, sizeof(crlf), "-----BEGIN EC PRIVATE KEY-----\nMAA*\n"
			     "-----END EC PRIVATE KEY-----\n");
	CHECK(parse_text(crlf, n, NULL, &k) == ERR_FORMAT);
	CHECK(k == NULL);
}

static void test_unsupported(void)
{
	char label[PEM_MAX_LABEL];
	struct keyfile_openssh_info info;
	struct buf der, t;
	struct key *k = NULL;
	size_t at;

	CHECK(parse_text(pem_encrypted, strlen(pem_encrypted), "passw0rd", &k) == ERR_UNSUPPORTED);
	CHECK(parse_text(pkcs8_encrypted, strlen(pkcs8_encrypted), "abcdef", &k) ==
	      ERR_UNSUPPORTED);
	CHECK(parse_text("hello\n", 6, NULL, &k) == ERR_FORMAT);
	CHECK(parse_text("-----BEGIN DSA PRIVATE KEY-----\nMAA=\n-----END DSA PRIVATE KEY-----\n",
			 66, NULL, &k) == ERR_UNSUPPORTED);

	/* a cipher we do not know, named in the info */
	decode(fixtures[1].text, label, &der);
	at = find(&der, "aes256-ctr", 10, 0);
	memcpy(der.data + at, "aes256-ofb", 10);
	CHECK(parse_der(label, der.data, der.len, "secret pass", &k) == ERR_UNSUPPORTED);
	CHECK_OK(buf_init(&t, 0, 1 << 16));
	CHECK_OK(pem_encode(label, der.data, der.len, 70, &t));
	CHECK_OK(keyfile_openssh_info(t.data, t.len, &info));
	CHECK(info.encrypted && !info.supported && strcmp(info.cipher, "aes256-ofb") == 0);
	buf_free(&t);
	memcpy(der.data + at, "aes256-ctr", 10);
	/* a KDF we do not know */
	at = find(&der, "bcrypt", 6, 0);
	memcpy(der.data + at, "scrypt", 6);
	CHECK(parse_der(label, der.data, der.len, "secret pass", &k) == ERR_UNSUPPORTED);
	memcpy(der.data + at, "bcrypt", 6);
	/* rounds beyond our limit: refused before any work */
	store_be32(der.data + at + 6 + 4 + 4 + 16, BCRYPT_MAX_ROUNDS + 1);
	CHECK(parse_der(label, der.data, der.len, "secret pass", &k) == ERR_TOOBIG);
	store_be32(der.data + at + 6 + 4 + 4 + 16, 2);
	CHECK_OK(parse_der(label, der.data, der.len, "secret pass", &k));
	key_free(k);
	k = NULL;
	/* two keys in one file */
	at = find(&der, "\0\0\0\x01\0\0\0\x33", 8, 0);
	der.data[at + 3] = 2;
	CHECK(parse_der(label, der.data, der.len, "secret pass", &k) == ERR_UNSUPPORTED);
	buf_free(&der);
	CHECK(k == NULL);
}

/* Our writer's bytes equal ssh-keygen's for unencrypted files, checkints aside. */
static void test_writer_matches_ssh_keygen(void)
{
	static const size_t which[] = { 0, 6, 7, 8 };
	size_t w;
	for (w = 0; w < sizeof(which) / sizeof(which[0]); w++) {
		const struct fixture *f = &fixtures[which[w]];
		char label[PEM_MAX_LABEL], label2[PEM_MAX_LABEL];
		struct buf der, out, der2;
		struct key *k = NULL;
		size_t at;
		decode(f->text, label, &der);
		CHECK_OK(parse_text(f->text, strlen(f->text), NULL, &k));
		CHECK_OK(buf_init(&out, 0, 1 << 16));
		CHECK_OK(keyfile_openssh_put(k, NULL, &out));
		CHECK_OK(buf_init(&der2, 0, 1 << 16));
		CHECK_OK(pem_decode(out.data, out.len, label2, &der2));
		CHECK(strcmp(label, label2) == 0 && der.len == der2.len);
		/* the checkints follow the section's length, after the public blob */
		at = find(&der, "\0\0\0\x01", 4, 15);
		at += 4 + 4 + load_be32(der.data + at + 4) + 4;
		if (der.len == der2.len) {
			memset(der.data + at, 0, 8);
			memset(der2.data + at, 0, 8);
			CHECK_MEM(der.data, der2.data, der.len);
		}
		/* 70-column lines, as ssh-keygen writes */
		CHECK(out.len == strlen(f->text));
		key_free(k);
		buf_free(&der);
		buf_free(&der2);
		buf_free(&out);
	}
}

/* Every key through our writer, plain and with each cipher we write, and back. */
static void test_write_read_roundtrip(void)
{
	static const char *ciphers[] = { "aes256-ctr", "aes256-gcm@openssh.com",
					 "chacha20-poly1305@openssh.com" };
	size_t i, c;
	for (i = 0; i < NFIX; i++) {
		struct key *k = NULL, *k2 = NULL;
		struct buf out;
		char b64[2048];
		if (parse_text(fixtures[i].text, strlen(fixtures[i].text), fixtures[i].pass, &k))
			continue; /* reported by test_fixtures_parse */
		for (c = 0; c <= sizeof(ciphers) / sizeof(ciphers[0]); c++) {
			const char *pass = c ? "new pass" : NULL;
			CHECK_OK(buf_init(&out, 0, 1 << 16));
			CHECK_OK(keyfile_openssh_put_ex(k, pass, c ? ciphers[c - 1] : NULL, 1, &out));
			CHECK_OK(keyfile_openssh_parse(out.data, out.len, pass, &k2));
			if (k2) {
				CHECK_OK(blob_b64(k2, b64, sizeof(b64)));
				CHECK(strcmp(b64, fixtures[i].pub) == 0);
				CHECK(strcmp(key_comment(k2), fixtures[i].comment) == 0);
				key_free(k2);
				k2 = NULL;
			}
			if (pass)
				CHECK(keyfile_openssh_parse(out.data, out.len, "New pass", &k2) ==
				      ERR_PASSPHRASE);
			buf_free(&out);
		}
		key_free(k);
	}
}

/* Dropbear's format -> openssh-key-v1 -> Dropbear's format gives the same bytes: every
 * field of ours (mpints minimal, the Ed25519 seed||pk, RSA's p and q in order) is
 * carried exactly, and RSA's iqmp, which Dropbear's format lacks, is derived. */
static void test_dropbear_roundtrip_identical(void)
{
	size_t i;
	for (i = 0; i < NFIX; i++) {
		struct key *k = NULL, *k2 = NULL, *k3 = NULL;
		struct buf db, o, db2;
		if (parse_text(fixtures[i].text, strlen(fixtures[i].text), fixtures[i].pass, &k))
			continue;
		CHECK_OK(buf_init(&db, 0, 1 << 16));
		CHECK_OK(buf_init(&o, 0, 1 << 16));
		CHECK_OK(buf_init(&db2, 0, 1 << 16));
		CHECK_OK(keyfile_dropbear_put(k, &db));
		CHECK_OK(keyfile_dropbear_parse(db.data, db.len, &k2));
		if (k2) {
			CHECK_OK(keyfile_openssh_put(k2, NULL, &o));
			CHECK_OK(keyfile_openssh_parse(o.data, o.len, NULL, &k3));
		}
		if (k3) {
			CHECK_OK(keyfile_dropbear_put(k3, &db2));
			CHECK(db.len == db2.len && memcmp(db.data, db2.data, db.len) == 0);
		}
		key_free(k);
		key_free(k2);
		key_free(k3);
		buf_free(&db);
		buf_free(&o);
		buf_free(&db2);
	}
}

static void test_writer_refuses(void)
{
	struct key *k = NULL, *pub = NULL;
	struct buf out, blob;
	CHECK_OK(parse_text(fixtures[0].text, strlen(fixtures[0].text), NULL, &k));
	CHECK_OK(buf_init(&out, 0, 1 << 16));
	CHECK(keyfile_openssh_put_ex(k, "p", "aes256-cbc", 16, &out) == ERR_UNSUPPORTED);
	CHECK(keyfile_openssh_put_ex(k, "p", "rot13", 16, &out) == ERR_UNSUPPORTED);
	CHECK(keyfile_openssh_put_ex(k, "p", "aes256-ctr", 0, &out) == ERR_INVALID);
	CHECK(keyfile_openssh_put_ex(k, "p", "aes256-ctr", BCRYPT_MAX_ROUNDS + 1, &out) ==
	      ERR_INVALID);
	CHECK(out.len == 0);
	CHECK_OK(buf_init(&blob, 0, 4096));
	CHECK_OK(key_put_blob(k, &blob));
	CHECK_OK(key_from_blob(blob.data, blob.len, &pub));
	CHECK(keyfile_openssh_put(pub, NULL, &out) == ERR_NEEDPRIVATE);
	CHECK(keyfile_openssh_cipher_ok("aes256-ctr") && !keyfile_openssh_cipher_ok("none") &&
	      !keyfile_openssh_cipher_ok("aes128-cbc"));
	key_free(pub);
	key_free(k);
	buf_free(&blob);
	buf_free(&out);
}

static void test_detect(void)
{
	static const uint8_t dropbear[] = { 0, 0, 0, 11, 's', 's', 'h' };
	CHECK(!keyfile_openssh_detect(dropbear, sizeof(dropbear)));
	CHECK(!keyfile_openssh_detect(dropbear, 0));
	CHECK(keyfile_openssh_detect((const uint8_t *)fixtures[0].text, 10));
}

/* Ed25519 in PKCS#8 v2 (RFC 5958) with its public key, built with our DER writer:
 * accepted with the right public key, ERR_MISMATCH with another. */
static void test_pkcs8_v2_ed25519(void)
{
	static const uint8_t oid[] = { 0x2b, 0x65, 0x70 };
	uint8_t seed[32], pk[33];
	char label[PEM_MAX_LABEL];
	struct buf der, b;
	struct key *k = NULL;
	size_t start, i;
	int round;

	decode(fixtures[15].text, label, &der);
	memcpy(seed, der.data + der.len - 32, 32);
	buf_free(&der);
	pk[0] = 0; /* unused bits */
	CHECK_OK(buf_init(&b, 0, 4096));
	CHECK_OK(buf_init(&der, 0, 4096));
	hex2bin("00", pk, 1);
	{
		/* the public key from the .pub blob: its last 32 bytes */
		uint8_t blob[64];
		size_t bl = sizeof(blob);
		CHECK_OK(base64_dec(fixtures[15].pub, strlen(fixtures[15].pub), blob, &bl));
		memcpy(pk + 1, blob + bl - 32, 32);
	}
	for (round = 0; round < 2; round++) {
		buf_reset(&b);
		buf_reset(&der);
		start = b.len;
		CHECK_OK(der_put_uint(&b, (const uint8_t *)"\x01", 1));
		i = b.len;
		CHECK_OK(der_put(&b, DER_OID, oid, sizeof(oid)));
		CHECK_OK(der_wrap(&b, i, DER_SEQUENCE));
		CHECK_OK(der_put(&der, DER_OCTET_STRING, seed, 32));
		CHECK_OK(der_put(&b, DER_OCTET_STRING, der.data, der.len));
		if (round == 1)
			pk[5] ^= 1;
		CHECK_OK(der_put(&b, DER_CTX_PRIM(1), pk, sizeof(pk)));
		CHECK_OK(der_wrap(&b, start, DER_SEQUENCE));
		k = NULL;
		CHECK(parse_der("PRIVATE KEY", b.data, b.len, NULL, &k) ==
		      (round == 0 ? 0 : ERR_MISMATCH));
		key_free(k);
	}
	buf_free(&b);
	buf_free(&der);
}

static void test_der_strict(void)
{
	static const struct {
		const char *hex;
		int want;
	} ints[] = {
		{ "020100", 0 }, { "02017f", 0 }, { "02020080", 0 },
		{ "0200", ERR_FORMAT },         /* no content */
		{ "020180", ERR_FORMAT },       /* negative */
		{ "0202007f", ERR_FORMAT },     /* redundant zero */
		{ "02810100", ERR_FORMAT },     /* long form for a short length */
		{ "0280", ERR_FORMAT },         /* indefinite length */
		{ "028200017f", ERR_FORMAT },   /* leading zero length octet */
		{ "0202ff", ERR_TRUNCATED },
		{ "02", ERR_TRUNCATED },
		{ "0485ffffffffff", ERR_FORMAT }, /* 5 length octets (and not an INTEGER) */
	};
	uint8_t in[16];
	size_t i;
	for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		struct buf b;
		const uint8_t *m;
		size_t n, len = hex2bin(ints[i].hex, in, sizeof(in));
		buf_view(&b, in, len);
		CHECK(der_get_uint(&b, &m, &n) == ints[i].want);
		if (ints[i].want)
			CHECK(b.pos == 0);
	}
	{
		/* der_wrap moves a 200-byte content behind a long-form header */
		struct buf b, r, c;
		uint8_t big[200];
		memset(big, 7, sizeof(big));
		CHECK_OK(buf_init(&b, 0, 1024));
		CHECK_OK(buf_put_bytes(&b, big, sizeof(big)));
		CHECK_OK(der_wrap(&b, 0, DER_OCTET_STRING));
		CHECK(b.len == 203 && b.data[1] == 0x81 && b.data[2] == 200);
		buf_view(&r, b.data, b.len);
		CHECK_OK(der_get(&r, DER_OCTET_STRING, &c));
		CHECK(buf_avail(&c) == 200 && memcmp(buf_ptr(&c), big, 200) == 0);
		CHECK(der_get_optional(&r, DER_NULL, &c) == 0);
		buf_free(&b);
	}
}

int main(int argc, char **argv)
{
	(void)argc;
	if (crypto_init() != 0)
		return 1;
	RUN(test_fixtures_parse);
	RUN(test_wrong_or_missing_passphrase);
	RUN(test_info);
	RUN(test_truncated_text);
	RUN(test_truncated_contents);
	RUN(test_flipped_bytes);
	RUN(test_mismatch);
	RUN(test_public_keys_refused);
	RUN(test_pem_leniency);
	RUN(test_unsupported);
	RUN(test_writer_matches_ssh_keygen);
	RUN(test_write_read_roundtrip);
	RUN(test_dropbear_roundtrip_identical);
	RUN(test_writer_refuses);
	RUN(test_detect);
	RUN(test_pkcs8_v2_ed25519);
	RUN(test_der_strict);
	return harness_done(argv[0]);
}
