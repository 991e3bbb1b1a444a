/* optparse.c: see optparse.h. */
#include <string.h>

#include "optparse.h"

void optparse_init(struct optparse *o)
{
	o->ind = 1;
	o->opt = 0;
	o->arg = NULL;
	o->pos = 0;
}

int optparse_next(struct optparse *o, int argc, char *const *argv, const char *spec)
{
	const char *a, *s;

	o->arg = NULL;
	if (o->ind < 1 || o->ind >= argc || !argv[o->ind])
		return -1;
	a = argv[o->ind];
	if (o->pos == 0) {
		if (a[0] != '-' || a[1] == 0)
			return -1; /* an operand, or "-" */
		if (a[1] == '-' && a[2] == 0) {
			o->ind++;
			return -1;
		}
		o->pos = 1;
	}
	o->opt = (unsigned char)a[o->pos++];
	s = o->opt != ':' ? strchr(spec, o->opt) : NULL;
	if (!s) {
		if (!a[o->pos]) {
			o->ind++;
			o->pos = 0;
		}
		return '?';
	}
	if (s[1] != ':') {
		if (!a[o->pos]) {
			o->ind++;
			o->pos = 0;
		}
		return o->opt;
	}
	/* a value: the rest of this element, or the next one */
	o->ind++;
	if (a[o->pos]) {
		o->arg = a + o->pos;
	} else if (o->ind < argc && argv[o->ind]) {
		o->arg = argv[o->ind++];
	} else {
		o->pos = 0;
		return ':';
	}
	o->pos = 0;
	return o->opt;
}
