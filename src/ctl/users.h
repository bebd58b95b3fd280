/* hallmarkctl user list | disable | enable | role | remove (add and passwd
 * are in src/hallmarkctl.c). */
#ifndef HM_CTL_USERS_H
#define HM_CTL_USERS_H

#include "config.h"

/* 1 when sub is one of the user commands kept here. */
int ctl_user_handles(const char *sub);
/* Runs `user SUB ARGS...`; the command's exit status (2: bad arguments). */
int ctl_user(const struct config *cfg, const char *sub, int argc, char **argv);

#endif
