/* channel-internal.h: what channel.c (table, fds, data flow, EOF/CLOSE) and
 * channel-msg.c (the peer's messages, opening, requests) share. Nothing else includes it. */
#ifndef CHANNEL_INTERNAL_H
#define CHANNEL_INTERNAL_H

#include "channel.h"

/* One loop watcher per distinct fd of a channel (in, out and err may share one). */
struct chan_watch {
	struct channel *ch;
	int fd; /* -1: slot unused */
};
#define CHAN_WATCHES 3

/* A free slot's channel of type t (window from the table), or NULL when full. */
struct channel *chan_alloc(struct chan_table *t, const struct chan_type *type);
/* Runs the type's cleanup, closes the fds, frees ch. */
void chan_free(struct channel *ch);
/* Sends what ch owes as far as the connection takes it; may free ch. */
void chan_service(struct channel *ch);
/* The peer's data (ext: EXTENDED_DATA stderr) to the fd, its queue, or dropped. */
int chan_deliver(struct channel *ch, int ext, const uint8_t *p, size_t n);
/* A message with just the recipient channel (EOF, CLOSE, SUCCESS, FAILURE). */
int chan_send_simple(struct channel *ch, uint8_t msg);
_Noreturn void chan_send_fatal(struct conn *c, int r);

#endif
