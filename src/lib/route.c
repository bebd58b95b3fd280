#include "route.h"

#include <string.h>

int path_match(const char *pat, const char *path, int64_t *id)
{
	while (*pat) {
		if (*pat == '#') {
			int64_t v = 0;
			int n = 0;
			/* Ids start at 1 and have one spelling: no leading zero. */
			if (*path == '0')
				return 0;
			while (*path >= '0' && *path <= '9' && n < 18)
				v = v * 10 + (*path++ - '0'), n++;
			if (n == 0 || (*path >= '0' && *path <= '9'))
				return 0;
			*id = v;
			pat++;
			continue;
		}
		if (*pat++ != *path++)
			return 0;
	}
	return *path == '\0';
}

int order_route(const char *path, char *typed, size_t n, enum order_action *act)
{
	if (path[0] != '/')
		return -1;
	/* No tracking ID is spelt "unsubscribe" (U is not Crockford's). */
	if (!strncmp(path, "/unsubscribe/", 13)) {
		const char *token = path + 13;
		size_t len = strlen(token);
		if (len == 0 || len >= n || strchr(token, '/'))
			return -1;
		memcpy(typed, token, len + 1);
		*act = ORDER_UNSUBSCRIBE;
		return 0;
	}
	const char *id = path + 1, *slash = strchr(id, '/');
	size_t len = slash ? (size_t)(slash - id) : strlen(id);
	if (len == 0 || len >= n)
		return -1;
	if (!slash)
		*act = ORDER_PAGE;
	else if (!strcmp(slash, "/messages.json"))
		*act = ORDER_JSON;
	else if (!strcmp(slash, "/messages"))
		*act = ORDER_MESSAGE;
	else if (!strcmp(slash, "/decision"))
		*act = ORDER_DECISION;
	else
		return -1;
	memcpy(typed, id, len);
	typed[len] = '\0';
	return 0;
}

enum verify_action verify_route(const char *path, const char **arg, size_t *len)
{
	*arg = NULL;
	*len = 0;
	if (!*path)
		return VERIFY_FORM;
	if (path[0] != '/' || !path[1])
		return VERIFY_BAD;
	if (!strncmp(path, "/key/", 5)) {
		*arg = path + 5;
		*len = strlen(*arg);
		return *len && !strchr(*arg, '/') ? VERIFY_KEY : VERIFY_BAD;
	}
	*arg = path + 1;
	*len = strlen(*arg);
	if (strchr(*arg, '/'))
		return VERIFY_BAD;
	if (*len > 5 && !strcmp(*arg + *len - 5, ".json")) {
		*len -= 5;
		return VERIFY_JSON;
	}
	return VERIFY_PAGE;
}

static const struct {
	const char *pattern;
	enum print_file what;
} print_routes[] = {
	{"/#/qr.png", PRINT_QR_PNG},
	{"/#/certificate.pdf", PRINT_CERTIFICATE},
	{"/job/#/slip.pdf", PRINT_JOB_SLIP},
	{"/job/#/tag.pdf", PRINT_JOB_TAG},
	{"/job/#/qr.png", PRINT_JOB_QR_PNG},
};

int print_route(const char *path, int64_t *id, enum print_file *what)
{
	for (size_t i = 0; i < sizeof print_routes / sizeof print_routes[0]; i++) {
		if (path_match(print_routes[i].pattern, path, id)) {
			*what = print_routes[i].what;
			return 0;
		}
	}
	return -1;
}

const char *media_route(const char *path)
{
	return path[0] == '/' ? path + 1 : NULL;
}
