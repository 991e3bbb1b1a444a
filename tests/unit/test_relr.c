/* relr: contrib/musl/relr.h, the DT_RELR decoder the static binary runs before musl's
 * start code. A memory image of words is relocated by an encoding made here, written
 * from the format's definition (generic ABI, SHT_RELR) independently of the decoder:
 * exactly the chosen words get the base added, no other word changes. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "../../contrib/musl/relr.h"

#define NW 600
#define BITS (8 * sizeof(uintptr_t) - 1)   /* words one bitmap covers */

/* Encodes the (sorted, word-aligned) offsets in `offs` as ld does: an address entry,
 * then bitmaps while the next offsets fall within their reach. Returns the entries. */
static size_t encode(const size_t *offs, size_t n, uintptr_t *out)
{
	size_t k = 0, i = 0;
	while (i < n) {
		out[k++] = offs[i];
		size_t next = offs[i] + sizeof(uintptr_t);   /* first word the bitmap covers */
		i++;
		for (;;) {
			uintptr_t bm = 0;
			while (i < n && offs[i] >= next && offs[i] < next + BITS * sizeof(uintptr_t)) {
				bm |= (uintptr_t)1 << ((offs[i] - next) / sizeof(uintptr_t));
				i++;
			}
			if (!bm)
				break;
			out[k++] = (bm << 1) | 1;
			next += BITS * sizeof(uintptr_t);
		}
	}
	return k;
}

static void run_case(const size_t *idx, size_t n)
{
	static uintptr_t image[NW], want[NW];
	uintptr_t enc[NW + 1];
	size_t offs[NW];
	for (size_t i = 0; i < NW; i++)
		image[i] = want[i] = 0x1000 + 8 * i;
	uintptr_t base = (uintptr_t)image;   /* offsets count from the image's start */
	for (size_t i = 0; i < n; i++) {
		offs[i] = idx[i] * sizeof(uintptr_t);
		want[idx[i]] += base;
	}
	size_t k = encode(offs, n, enc);
	relr_apply(base, enc, k * sizeof *enc);
	CHECK(memcmp(image, want, sizeof image) == 0);
}

static void test_empty(void)
{
	run_case(NULL, 0);
}

static void test_single_and_sparse(void)
{
	size_t a[] = { 0 };
	run_case(a, 1);
	size_t b[] = { 5, 200, 599 };   /* each too far for a bitmap: address entries */
	run_case(b, 3);
}

static void test_bitmaps(void)
{
	size_t a[NW], n = 0;
	for (size_t i = 10; i < 10 + 1 + 63 + 63 + 5; i++)   /* a dense run: two full bitmaps */
		a[n++] = i;
	a[n++] = 300;
	a[n++] = 301;
	a[n++] = 302 + 62;   /* the last word a bitmap after 301 reaches */
	a[n++] = 302 + 63;   /* the first it does not: a second bitmap */
	a[n++] = 598;
	run_case(a, n);
}

static void test_every_other_and_all(void)
{
	size_t a[NW], n = 0;
	for (size_t i = 1; i < NW; i += 2)
		a[n++] = i;
	run_case(a, n);
	n = 0;
	for (size_t i = 0; i < NW; i++)
		a[n++] = i;
	run_case(a, n);
}

static void test_random_sets(void)
{
	size_t a[NW];
	srand(11);
	for (int round = 0; round < 200; round++) {
		size_t n = 0;
		int density = 1 + rand() % 100;
		for (size_t i = 0; i < NW; i++)
			if (rand() % 100 < density)
				a[n++] = i;
		run_case(a, n);
	}
}

int main(void)
{
	RUN(test_empty);
	RUN(test_single_and_sparse);
	RUN(test_bitmaps);
	RUN(test_every_other_and_all);
	RUN(test_random_sets);
	return harness_done("relr");
}
