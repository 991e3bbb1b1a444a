/* optparse.h: getopt(3)'s job for the faces that take single-letter options
 * (dropbearkey, dropbearconvert, sftp-server), without global state and without the C
 * library's getopt, whose musl code (getopt, mbtowc, stdio locking: ~2 KB) the static
 * binary then leaves out. */
#ifndef DB_OPTPARSE_H
#define DB_OPTPARSE_H

struct optparse {
	int ind;         /* next argv element to look at; after -1, the first operand */
	int opt;         /* the option letter last seen (also for '?' and ':') */
	const char *arg; /* its value, for a letter followed by ':' in the spec */
	int pos;         /* inside a cluster such as -yf: the next letter's offset */
};

/* Start at argv[1]. */
void optparse_init(struct optparse *o);
/* The next option of argv by spec: letters, each followed by ':' when it takes a value
 * (in the same element, -fFILE, or the next, -f FILE). Parsing stops at the first
 * operand, at "-" (an operand) and after "--" (as getopt with a leading '+' in its spec:
 * no reordering). Returns the letter; '?' for one not in spec and ':' for a value
 * missing at the end of argv (o->opt holds the letter either way); -1 at the end. */
int optparse_next(struct optparse *o, int argc, char *const *argv, const char *spec);

#endif
