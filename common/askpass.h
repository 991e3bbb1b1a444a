/* askpass.h: passphrases for encrypted key files, for the faces that load keys
 * (dropbearconvert, dropbearkey -y, dbclient -i, dropbear -r).
 *
 * Where a passphrase comes from, in this order:
 *  1. the environment variable DROPBEAR_PASSPHRASE, when it is set (scripts and tests;
 *     never a command-line argument, which any user can read in ps);
 *  2. the controlling terminal (/dev/tty), with echo off.
 * Nothing is written anywhere but /dev/tty; every call returns 0 or an ERR_* code. */
#ifndef ASKPASS_H
#define ASKPASS_H

#include <stddef.h>

#define ASKPASS_ENV "DROPBEAR_PASSPHRASE"
/* Longest passphrase read, with its NUL. */
#define ASKPASS_MAX 1024

/* Writes prompt to /dev/tty and reads one line with echo off into buf (NUL-terminated,
 * without the newline). ERR_IO when there is no terminal, ERR_TOOBIG for a line that
 * does not fit, ERR_INVALID when the read was interrupted by a signal (the signal is
 * then delivered again once the terminal is restored). */
int askpass_tty(const char *prompt, char *buf, size_t bufsz);

/* The passphrase for the key file at path: $DROPBEAR_PASSPHRASE, or asked as
 * "Enter passphrase for PATH: ". arg is unused (the shape of a callback). */
int askpass_key(const char *path, char *buf, size_t bufsz, void *arg);

#endif
