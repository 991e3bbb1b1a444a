/* faces.h: the entry points multicall.c dispatches to. */
#ifndef FACES_H
#define FACES_H
int server_main(int argc, char **argv);
int client_main(int argc, char **argv);
int keygen_main(int argc, char **argv);
int convert_main(int argc, char **argv);
int sftp_server_main(int argc, char **argv);

#include <stddef.h>
/* Prints a face's -h text, kept zlib-compressed (zn bytes at z, n once inflated) by
 * contrib/zusage.c's header where DB_COMPRESSION links zlib (common/compress.c). */
void usage_put(int fd, const unsigned char *z, size_t zn, size_t n);
#endif
