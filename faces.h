/* faces.h: the entry points multicall.c dispatches to. */
#ifndef FACES_H
#define FACES_H
int server_main(int argc, char **argv);
int client_main(int argc, char **argv);
int keygen_main(int argc, char **argv);
int convert_main(int argc, char **argv);
int sftp_server_main(int argc, char **argv);
#endif
