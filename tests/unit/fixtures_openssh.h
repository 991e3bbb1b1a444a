/* fixtures_openssh.h: key files made by ssh-keygen and openssl, for
 * test_keyfile_openssh.c (and, as files, the seeds in tests/fuzz/corpus). */
#ifndef FIXTURES_OPENSSH_H
#define FIXTURES_OPENSSH_H

struct fixture {
	const char *name;
	const char *pass;    /* NULL: not encrypted */
	const char *comment; /* what the file carries */
	const char *pub;     /* base64 of the public blob, from the .pub file */
	const char *text;
};

/* Made by: ssh-keygen -t ed25519 [-N 'secret pass' -a 2 -Z CIPHER] -C COMMENT; -t ecdsa
 * -b 256/521; -t rsa -b 1024; -m PEM and -m PKCS8; openssl ec -no_public; openssl
 * ecparam -genkey (EC PARAMETERS block first); openssl genpkey -algorithm ed25519. */
static const struct fixture fixtures[] = {
	{ "ed_plain", NULL, "ed@plain",
	  "AAAAC3NzaC1lZDI1NTE5AAAAIJVO9VUj9HKqBT0D9qUv/XyUY11JkPQxE+JvCozem/aT",
	  "-----BEGIN OPENSSH PRIVATE KEY-----\n"
	  "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
	  "QyNTUxOQAAACCVTvVVI/RyqgU9A/alL/18lGNdSZD0MRPibwqM3pv2kwAAAJATNmYfEzZm\n"
	  "HwAAAAtzc2gtZWQyNTUxOQAAACCVTvVVI/RyqgU9A/alL/18lGNdSZD0MRPibwqM3pv2kw\n"
	  "AAAEBR9s3SYSM835dey2IZXMhq9VVXf+FiobPeN/FEMKC+3ZVO9VUj9HKqBT0D9qUv/XyU\n"
	  "Y11JkPQxE+JvCozem/aTAAAACGVkQHBsYWluAQIDBAU=\n"
	  "-----END OPENSSH PRIVATE KEY-----\n" },
	{ "ed_aes256-ctr", "secret pass", "ed@aes256-ctr",
	  "AAAAC3NzaC1lZDI1NTE5AAAAIFuy9btBHThZ5ZckOigCiWgqPdJkVRm+4dWelFqKVa4q",
	  "-----BEGIN OPENSSH PRIVATE KEY-----\n"
	  "b3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0AAAAGAAAABDM16blgl\n"
	  "lVerpoaP+cgV4/AAAAAgAAAAEAAAAzAAAAC3NzaC1lZDI1NTE5AAAAIFuy9btBHThZ5Zck\n"
	  "OigCiWgqPdJkVRm+4dWelFqKVa4qAAAAkGDf0tcLqANQ3qQMuw9nZS4B8eRrUWlzJoipUR\n"
	  "UdQfeQtLDD+FiLWNMvCOXVlqsVm0VEHRRVa5ydDXRgFpBtisQSoVamkIQQ3yoletVa1i/+\n"
	  "oerMfgXTCNjp6q96hh42zFZllkgfh3ALIPvDLgFZ2PAwLPiDqa/egmhAYHdwt8q4yIItqj\n"
	  "KbDMvs5DNiR9EBXw==\n"
	  "-----END OPENSSH PRIVATE KEY-----\n" },
	{ "ed_aes256-gcm", "secret pass", "ed@aes256-gcm",
	  "AAAAC3NzaC1lZDI1NTE5AAAAIC1F245dGJ2Nn62y0HtIlnMQNqoP6YpVCqCZN19syN6O",
	  "-----BEGIN OPENSSH PRIVATE KEY-----\n"
	  "b3BlbnNzaC1rZXktdjEAAAAAFmFlczI1Ni1nY21Ab3BlbnNzaC5jb20AAAAGYmNyeXB0AA\n"
	  "AAGAAAABC5VRUMKu8cN47VGD67+ueAAAAAAgAAAAEAAAAzAAAAC3NzaC1lZDI1NTE5AAAA\n"
	  "IC1F245dGJ2Nn62y0HtIlnMQNqoP6YpVCqCZN19syN6OAAAAkHRUAZpxg5uC5mwYXsRtFE\n"
	  "e/AZwx6wF/RN15GILYm260/htrEfa1ZmzZrTNUFjlUIFPp0JdXQ7nY1GzXi19IDD26YCyj\n"
	  "GVjdUl+hg80AmI45q4RlUa3/XZ7fmhLikGdZXHiIFN54W7kXKFyAnhOLOxy697ZpdlHALS\n"
	  "l813Qy5RI4nAn40lH1/s1uOieWC1Ndw16HfzDQxnmZoeFMSKPOgH0=\n"
	  "-----END OPENSSH PRIVATE KEY-----\n" },
	{ "ed_chacha20-poly1305", "secret pass", "ed@chacha20-poly1305",
	  "AAAAC3NzaC1lZDI1NTE5AAAAINQecBVec4cOnGPoGfV5GIpcyHlRNwQDOv/lsjvD+MHV",
	  "-----BEGIN OPENSSH PRIVATE KEY-----\n"
	  "b3BlbnNzaC1rZXktdjEAAAAAHWNoYWNoYTIwLXBvbHkxMzA1QG9wZW5zc2guY29tAAAABm\n"
	  "JjcnlwdAAAABgAAAAQC+bW9iv1Uvk8cat2OQUWlgAAAAIAAAABAAAAMwAAAAtzc2gtZWQy\n"
	  "NTUxOQAAACDUHnAVXnOHDpxj6Bn1eRiKXMh5UTcEAzr/5bI7w/jB1QAAAJiKQB1Og5ESWU\n"
	  "e17w1gwbhj7e7JIVkrh/5B0r2yJnvuRs1JAXs66gOFDWuAvS2pSTOcBAk43aXOT9oo5o9h\n"
	  "/i0Jwj5TMgFqq7luKs9xJkMxYXzenlWMpgMRmDTmXu5PPGmGWJvaHMXu5C4K9bv5yeI498\n"
	  "5f4eZ4g5W5CM0tvMyshdZZIH3sa57FK27aRjPCFMZaKxcgGGdMptNG57CWGSVv9gGC8T7p\n"
	  "Xvs=\n"
	  "-----END OPENSSH PRIVATE KEY-----\n" },
	{ "ed_aes256-cbc", "secret pass", "ed@aes256-cbc",
	  "AAAAC3NzaC1lZDI1NTE5AAAAIMX1t2ioPChQPMG1s8SzJUb1FWKqRTCZDtIPLysdlzxl",
	  "-----BEGIN OPENSSH PRIVATE KEY-----\n"
	  "b3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jYmMAAAAGYmNyeXB0AAAAGAAAABChSzkbdT\n"
	  "1lAoM5LsbJKFK2AAAAAgAAAAEAAAAzAAAAC3NzaC1lZDI1NTE5AAAAIMX1t2ioPChQPMG1\n"
	  "s8SzJUb1FWKqRTCZDtIPLysdlzxlAAAAkF8qq1t3fWxr4vAnJDoOn3/S6fAyrqWzbnzjlR\n"
	  "Zc5He6kQR+Vrk9AJR4S+RGnqW+nJiXtHG5Dlmy1R51BJ0ZkHF9M1zi5pPv6v9mcdR5uebL\n"
	  "0Yw83L2rfaZvqdKykrqZrS3Clpt2LrsC3XEC45k2EqSTmF8+GirG7wigJAXhAglGkHpoj8\n"
	  "UL/vgaK75ecOCsRw==\n"
	  "-----END OPENSSH PRIVATE KEY-----\n" },
	{ "ed_aes128-ctr", "secret pass", "ed@aes128-ctr",
	  "AAAAC3NzaC1lZDI1NTE5AAAAIKucvSZoDBF6FlBwcKpoVWVIEh77oDDYa2XOvyLoDpzD",
	  "-----BEGIN OPENSSH PRIVATE KEY-----\n"
	  "b3BlbnNzaC1rZXktdjEAAAAACmFlczEyOC1jdHIAAAAGYmNyeXB0AAAAGAAAABA/JTz4Ah\n"
	  "lQpiR8cOfDvjCJAAAAAgAAAAEAAAAzAAAAC3NzaC1lZDI1NTE5AAAAIKucvSZoDBF6FlBw\n"
	  "cKpoVWVIEh77oDDYa2XOvyLoDpzDAAAAkDDGuyMcWXKiXyUw3HzwaQUTnS0opVeOt44HNe\n"
	  "+GsSbwu3GmexMa/EORwKxxFkIFmE+d/H0qrHtQpJqqLS4VI5gUwNppGCO2e74U1amzixd3\n"
	  "bcmn+WOsqCNDFvgKmG6NRYb0SibkPF0eFZP6voXcYe+5btmOLnOXIlE6K0hXe5kGdpKVdo\n"
	  "4ITNhwKYs2o9Muow==\n"
	  "-----END OPENSSH PRIVATE KEY-----\n" },
	{ "ec256", NULL, "ec256",
	  "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBCi0ypPnb8wEo4QM7CdZye7IAOaQx9/Y2wyLlrLp/3gGTtyVM1Pg+Ft1Q46ERPtAqAS+VDuggS6yh0GDoD0RrMs=",
	  "-----BEGIN OPENSSH PRIVATE KEY-----\n"
	  "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAaAAAABNlY2RzYS\n"
	  "1zaGEyLW5pc3RwMjU2AAAACG5pc3RwMjU2AAAAQQQotMqT52/MBKOEDOwnWcnuyADmkMff\n"
	  "2NsMi5ay6f94Bk7clTNT4PhbdUOOhET7QKgEvlQ7oIEusodBg6A9EazLAAAAoNLyvxzS8r\n"
	  "8cAAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBCi0ypPnb8wEo4QM\n"
	  "7CdZye7IAOaQx9/Y2wyLlrLp/3gGTtyVM1Pg+Ft1Q46ERPtAqAS+VDuggS6yh0GDoD0RrM\n"
	  "sAAAAgIwlhLE04Maclo2wRifP/d95AX/Sypnfw/+/5GyC0p3wAAAAFZWMyNTYBAgM=\n"
	  "-----END OPENSSH PRIVATE KEY-----\n" },
	{ "ec521", NULL, "",
	  "AAAAE2VjZHNhLXNoYTItbmlzdHA1MjEAAAAIbmlzdHA1MjEAAACFBAC2s84afiRArtdTHYjsB7nBQTboNkuoFF0n+rHWYJLQg36YP1sFB6t4JoZ3DzDR8qH3X8B/xhimTBZ+P0JqwtxaQABi00fCpqu+cfCh4exlFbuwEX6DQiAkeaW5B8OUHW1jJVPD2hjynawF5ay4zNZNxB3zxHz7nCNi8fImKzagu2gjpg==",
	  "-----BEGIN OPENSSH PRIVATE KEY-----\n"
	  "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAArAAAABNlY2RzYS\n"
	  "1zaGEyLW5pc3RwNTIxAAAACG5pc3RwNTIxAAAAhQQAtrPOGn4kQK7XUx2I7Ae5wUE26DZL\n"
	  "qBRdJ/qx1mCS0IN+mD9bBQereCaGdw8w0fKh91/Af8YYpkwWfj9CasLcWkAAYtNHwqarvn\n"
	  "HwoeHsZRW7sBF+g0IgJHmluQfDlB1tYyVTw9oY8p2sBeWsuMzWTcQd88R8+5wjYvHyJis2\n"
	  "oLtoI6YAAAEAiLcRnYi3EZ0AAAATZWNkc2Etc2hhMi1uaXN0cDUyMQAAAAhuaXN0cDUyMQ\n"
	  "AAAIUEALazzhp+JECu11MdiOwHucFBNug2S6gUXSf6sdZgktCDfpg/WwUHq3gmhncPMNHy\n"
	  "ofdfwH/GGKZMFn4/QmrC3FpAAGLTR8Kmq75x8KHh7GUVu7ARfoNCICR5pbkHw5QdbWMlU8\n"
	  "PaGPKdrAXlrLjM1k3EHfPEfPucI2Lx8iYrNqC7aCOmAAAAQgHiwwaz2Uy8QtXi0iA59P5n\n"
	  "weGuDt+0lYwDXLo5N7E47GeiD2W0o7oiUoZoyBnAt9AcKo4bl5+/YlkNehIS6ljKYQAAAA\n"
	  "ABAg==\n"
	  "-----END OPENSSH PRIVATE KEY-----\n" },
	{ "rsa1024", NULL, "rsa@plain",
	  "AAAAB3NzaC1yc2EAAAADAQABAAAAgQDAlZwdGWsynAIhIyTcisMwJdR2cyw4EjQXTYXpWmWCb/XjilKWx/78auFh1P2YeW/+9i53ijRZhiFat0u8Rw9fuBhnxtcOZB72JVyRV9Ynjy1hAW8BF/kMkJ8DRXTejQeF5Kzi4VaFZKtjf38mH25xZboBnix+2ZFMmbqb223Z3w==",
	  "-----BEGIN OPENSSH PRIVATE KEY-----\n"
	  "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAlwAAAAdzc2gtcn\n"
	  "NhAAAAAwEAAQAAAIEAwJWcHRlrMpwCISMk3IrDMCXUdnMsOBI0F02F6Vplgm/144pSlsf+\n"
	  "/GrhYdT9mHlv/vYud4o0WYYhWrdLvEcPX7gYZ8bXDmQe9iVckVfWJ48tYQFvARf5DJCfA0\n"
	  "V03o0HheSs4uFWhWSrY39/Jh9ucWW6AZ4sftmRTJm6m9tt2d8AAAIAI23MKiNtzCoAAAAH\n"
	  "c3NoLXJzYQAAAIEAwJWcHRlrMpwCISMk3IrDMCXUdnMsOBI0F02F6Vplgm/144pSlsf+/G\n"
	  "rhYdT9mHlv/vYud4o0WYYhWrdLvEcPX7gYZ8bXDmQe9iVckVfWJ48tYQFvARf5DJCfA0V0\n"
	  "3o0HheSs4uFWhWSrY39/Jh9ucWW6AZ4sftmRTJm6m9tt2d8AAAADAQABAAAAgC/ZPCdyuF\n"
	  "Kjtle7Xp45D9P3ojkn1nW7+BtOFJZs8kmdPa+iH3D9EdpvR75B6BwpF+12BweGXAleLQ1X\n"
	  "+0Y1NZk5Rhd/TIp3XpN8lGsEXzDCfMG3b3Xl0Wcb1Fhd543h39Ay22IxYOkvgODY8o41/2\n"
	  "dfOWO8wfvmKlYltTbrP+SRAAAAQQCEEW1BFzR3p0gv5k9nfI5oRIy95B9WeYmlUxTeTq6i\n"
	  "UmvHyq4XFec80DyuZl5mC5VDcaNtkgIJVWUv0tSHbkFdAAAAQQDk9Db5SmyHeOR9OvWvJU\n"
	  "sobgkDetLelGEtmx6gDHExYXp7uFlCeElWu1idQ4D2u8qQZsN5tb7r3+L6ZWkeurHnAAAA\n"
	  "QQDXVYubSShRMdLISLsDApDQwJEbUdConv+7MTtpVfEJvgDtu7/NUyJHmsryBvVhFSzWSb\n"
	  "dDBBRWTY7JzsgakAlJAAAACXJzYUBwbGFpbgE=\n"
	  "-----END OPENSSH PRIVATE KEY-----\n" },
	{ "rsa_pem", NULL, "",
	  "AAAAB3NzaC1yc2EAAAADAQABAAAAgQC2zkD+PxfkT1HXpJm9Nftlhx1/BfrlP7mzG8aflU8lXjwVVyR/EiVlf7Iyae0vA4QpX6aw+dCCOYpERg46P23mlIeavDdo6qQ+MFWeL1f6yQRYLMU1nivLZm/K3FE3KLvqnWkzDfuIaWZ73VNX2ipQh7gaARlkAILv9XlI2edIew==",
	  "-----BEGIN RSA PRIVATE KEY-----\n"
	  "MIICXAIBAAKBgQC2zkD+PxfkT1HXpJm9Nftlhx1/BfrlP7mzG8aflU8lXjwVVyR/\n"
	  "EiVlf7Iyae0vA4QpX6aw+dCCOYpERg46P23mlIeavDdo6qQ+MFWeL1f6yQRYLMU1\n"
	  "nivLZm/K3FE3KLvqnWkzDfuIaWZ73VNX2ipQh7gaARlkAILv9XlI2edIewIDAQAB\n"
	  "AoGARucKqFI6ZxAo0zYBdzTX1BIq65ibLo2f7gtI556WuwyoyzIocqzMGmkD6a/S\n"
	  "EdkQSqfR1HSgXdIJgd+WJxtw+URWGQoC2B0in4SOVMXqN75oMH3kaNfn7nV0ij2h\n"
	  "BfaSPNIZAaf58mgcEJxLB4A5MhaEUEdDlR6qzJeUqdVQ9JECQQDvgV3SaQ0uCY1F\n"
	  "D2PWYXsJXpddns/KHW6LWhDvR7VzFLI8hPxLvUew5of0WgCPh4rqSnteWiyqG1WA\n"
	  "sbgCZCeZAkEAw2U8YOEPL4oeDIAxyNV9Mb6uL8tWKhjApcIB5KABPDuTQfbrKhn4\n"
	  "8+UhhNmEnpermpquKOMBX5xQPNTYdVmtMwJBANYIjxbFCKE2qgeoXDkuPiy+Wpiw\n"
	  "ntLpgGuKHo4nUDE6spnA4lKxIUsmiSLF97BMmckMrLlB7p5J9RwgNef1JykCQAve\n"
	  "gW1tHmwH2s1tmBiYB1PXPmN+2YwTFti60TyfD5QmFkrigeR70WiXWZLlV63+jpkE\n"
	  "nmGzcGjraOBZGZD/UosCQDiIJMLuNZ4Nd6PMFLc5jLzQl74Ct6xFL//sMHeMrM6C\n"
	  "XvezfiyerawaASgk8J4qg14XrHNskmmwZ5gu52aXcT0=\n"
	  "-----END RSA PRIVATE KEY-----\n" },
	{ "ec_pem", NULL, "",
	  "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBM4ywhoNqQmrP2mNisx+7+QgtWrUnUo0J2+fQN9nkjzWJVqUnB4POaI4MV9Iws0RHtQU4JfGnQu+Nb8Gg4YwVnk=",
	  "-----BEGIN EC PRIVATE KEY-----\n"
	  "MHcCAQEEIPUcU1Myddtq4i0WtsifOUJWQh8uAqSXK1mSCqnCaILaoAoGCCqGSM49\n"
	  "AwEHoUQDQgAEzjLCGg2pCas/aY2KzH7v5CC1atSdSjQnb59A32eSPNYlWpScHg85\n"
	  "ojgxX0jCzREe1BTgl8adC741vwaDhjBWeQ==\n"
	  "-----END EC PRIVATE KEY-----\n" },
	{ "ec_nopub", NULL, "",
	  "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBM4ywhoNqQmrP2mNisx+7+QgtWrUnUo0J2+fQN9nkjzWJVqUnB4POaI4MV9Iws0RHtQU4JfGnQu+Nb8Gg4YwVnk=",
	  "-----BEGIN EC PRIVATE KEY-----\n"
	  "MDECAQEEIPUcU1Myddtq4i0WtsifOUJWQh8uAqSXK1mSCqnCaILaoAoGCCqGSM49\n"
	  "AwEH\n"
	  "-----END EC PRIVATE KEY-----\n" },
	{ "ec_params", NULL, "",
	  "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBCNitXtFYGJzO9EBj+/werIQLjC2fCS9pZ6qYGRUCog72AYifekb5ucIONjb/CoT0Lk95o4R6foLmXy40fV0MIQ=",
	  "-----BEGIN EC PARAMETERS-----\n"
	  "BggqhkjOPQMBBw==\n"
	  "-----END EC PARAMETERS-----\n"
	  "-----BEGIN EC PRIVATE KEY-----\n"
	  "MHcCAQEEIMjcODa162rCVS4IJL2Z1LzsTykW04dzZCV+FiObDQ/+oAoGCCqGSM49\n"
	  "AwEHoUQDQgAEI2K1e0VgYnM70QGP7/B6shAuMLZ8JL2lnqpgZFQKiDvYBiJ96Rvm\n"
	  "5wg42Nv8KhPQuT3mjhHp+guZfLjR9XQwhA==\n"
	  "-----END EC PRIVATE KEY-----\n" },
	{ "rsa_p8", NULL, "",
	  "AAAAB3NzaC1yc2EAAAADAQABAAAAgQCkpiGW6rZnvpw5pvdynViBF//99uMPUXlEHqdlJSfvxxsmDfqaGLtFKwoNw4yEQtZSmJfwmkMhf4YvMNdfdzdXQNM36BMcdDVIwc/fmPEm8IRnZWf6VhiLPd9P2rJRtyptpTb8AKN1bKZjUjQtphxthvN8trafpm52j6iiouw3RQ==",
	  "-----BEGIN PRIVATE KEY-----\n"
	  "MIICdwIBADANBgkqhkiG9w0BAQEFAASCAmEwggJdAgEAAoGBAKSmIZbqtme+nDmm\n"
	  "93KdWIEX//324w9ReUQep2UlJ+/HGyYN+poYu0UrCg3DjIRC1lKYl/CaQyF/hi8w\n"
	  "1193N1dA0zfoExx0NUjBz9+Y8SbwhGdlZ/pWGIs930/aslG3Km2lNvwAo3VspmNS\n"
	  "NC2mHG2G83y2tp+mbnaPqKKi7DdFAgMBAAECgYEApGhjiBAtPeDenM71rdQiSR3O\n"
	  "+CisSGKBpZy6aEw22b5GhLRWtcLWVNYKPv4x9OvMmUNYDN/tAqkVM1Ag72narkJJ\n"
	  "0scd5f79PqtCtJ/qvwDqko70ab4GRMoarjQmP79o2xRvcxYWU/xrATUyjdrFfg7J\n"
	  "f6oRfdzaHZLtOWf/RY0CQQDXSXDMw91oYzaAdla8alE+/0b5zWXABeFzmapM3PQ7\n"
	  "6DdSzWBIiGqP4T5TKcY9rDCB5/Svr003aP3l9XaskDFbAkEAw8kvkiKqY8R3jG8F\n"
	  "81LsglMJW4Sjv0Lv4+mxH0vkkbryowD8X2+5NrmJD/js3qPBTttds8FDgSM3RmSF\n"
	  "cVf73wJAWwhy6iLoPHu3UBq6EnHiaQEIwhhYLhpOetM/b8D+hVZsDldJn2IPrUdR\n"
	  "U1kWun1VBZlPnfpCbGu48MQaql1OgQJAIa+f67jjMD9BgnwnvfHql5HJ7mEn+2R8\n"
	  "+e3fd88LCLftv3YP9iu25l+N4Z2mw7fRLsw3lxINl06D2Cy7eQD2aQJBANDAYuJg\n"
	  "v2Ic39v1UhYrngBfNtsYSDMXaqmk9noAczCCQ+z85vz244JBpFGBs2K2AjdM9Pdy\n"
	  "xhffFT+3XIzc+gA=\n"
	  "-----END PRIVATE KEY-----\n" },
	{ "ec_p8", NULL, "",
	  "AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBKH9+QB4v8PpSQT2WyT41iBh4I5AEaayPUazpm8YjlsOkjODcDwBzhRZulqQuKhLmRa/uZVpNfNof++fz95nmShxvnRsTAxYQSzEwHoIDOh0Df4kblp+CNHsWcDO4r6fPQ==",
	  "-----BEGIN PRIVATE KEY-----\n"
	  "MIG2AgEAMBAGByqGSM49AgEGBSuBBAAiBIGeMIGbAgEBBDByNf/UZnZ42eVyHaAF\n"
	  "HSi1Z0e9tpQeJw4ubJ1kPJ6wVLQ55nA+DqZTj8m/VrYR1bWhZANiAASh/fkAeL/D\n"
	  "6UkE9lsk+NYgYeCOQBGmsj1Gs6ZvGI5bDpIzg3A8Ac4UWbpakLioS5kWv7mVaTXz\n"
	  "aH/vn8/eZ5kocb50bEwMWEEsxMB6CAzodA3+JG5afgjR7FnAzuK+nz0=\n"
	  "-----END PRIVATE KEY-----\n" },
	{ "ed_p8", NULL, "",
	  "AAAAC3NzaC1lZDI1NTE5AAAAIOH4Orwr/4DInD2t0rKGW8aZg0b43o7at5DLguQUxfzh",
	  "-----BEGIN PRIVATE KEY-----\n"
	  "MC4CAQAwBQYDK2VwBCIEIClaJi05CxQvyIZk3CwjGjG75rmQdZcRrUCCoXvCKrDw\n"
	  "-----END PRIVATE KEY-----\n" },
};

static const char pem_encrypted[] =
	"-----BEGIN EC PRIVATE KEY-----\n"
	"Proc-Type: 4,ENCRYPTED\n"
	"DEK-Info: AES-128-CBC,80004C11FBC2D01F0F1A7058955D202B\n"
	"\n"
	"KdMy+lj8iWPZkHI17mPpIajHy4ZVxb6/Zlrx320uEz2ao2ZIWJPeIXhX7hDIIjOo\n"
	"2Ea/m3BLRLF12MQUmv0HCovGy8ldQr5T3K/WF/e0AXw7qIU6HGO5uhRFfvWop3aH\n"
	"giFbNyGma+wmSmVMO9NbO585Zdw8ab6uhLLOef35KN0=\n"
	"-----END EC PRIVATE KEY-----\n";
static const char pkcs8_encrypted[] =
	"-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
	"MIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAg+4I0Qja124AICCAAw\n"
	"DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEM53WNNLnG8+NE6+KTw9FKsEgZBo\n"
	"ZrmgRZ8PWoVnnM48U1kQL4Q9cVln5w4Zgl2caotv4yKX0/Tv9RWPFaMSymOw2sUb\n"
	"7vFN+O1+O47elIf2h9/mULDmk9Ya4cqQ5gQ3UYqeyfURr2XN9h7yJEeYC0keTIu4\n"
	"fVnTKSLSA9LGIVigozfEsunUKAIrSo1OUMybTi3P8FJ+2LvLAi3fjPX2y1iVSnA=\n"
	"-----END ENCRYPTED PRIVATE KEY-----\n";
static const char rsa_public_pem[] =
	"-----BEGIN RSA PUBLIC KEY-----\n"
	"MIGJAoGBALbOQP4/F+RPUdekmb01+2WHHX8F+uU/ubMbxp+VTyVePBVXJH8SJWV/\n"
	"sjJp7S8DhClfprD50II5ikRGDjo/beaUh5q8N2jqpD4wVZ4vV/rJBFgsxTWeK8tm\n"
	"b8rcUTcou+qdaTMN+4hpZnvdU1faKlCHuBoBGWQAgu/1eUjZ50h7AgMBAAE=\n"
	"-----END RSA PUBLIC KEY-----\n";
static const char spki_public_pem[] =
	"-----BEGIN PUBLIC KEY-----\n"
	"MCowBQYDK2VwAyEA4fg6vCv/gMicPa3SsoZbxpmDRvjejtq3kMuC5BTF/OE=\n"
	"-----END PUBLIC KEY-----\n";

#endif
