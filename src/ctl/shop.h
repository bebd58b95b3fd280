/* hallmarkctl shop list | edit (shop.c): the installation's shops. */
#ifndef HM_CTL_SHOP_H
#define HM_CTL_SHOP_H

#include "config.h"

/* shop list: one line per shop with its time zone, language and counts. */
int ctl_shop_list(const struct config *cfg);
/* shop edit SLUG --name N --timezone TZ ... (argv after "edit"); returns
 * the exit status. */
int ctl_shop_edit(const struct config *cfg, int argc, char **argv);

#endif
