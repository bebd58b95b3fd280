#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "util.h"

#ifndef HM_DEFAULT_CONFIG
#define HM_DEFAULT_CONFIG "/etc/hallmark/hallmark.conf"
#endif

enum ktype { K_STR, K_INT, K_BOOLAUTO };

static const struct key {
	const char *name;
	enum ktype type;
	size_t off;
	long min, max;
} keys[] = {
	{"database", K_STR, offsetof(struct config, database), 0, 0},
	{"ratelimit_database", K_STR, offsetof(struct config, ratelimit_database), 0, 0},
	{"media_dir", K_STR, offsetof(struct config, media_dir), 0, 0},
	{"secret_key_file", K_STR, offsetof(struct config, secret_key_file), 0, 0},
	{"templates_dir", K_STR, offsetof(struct config, templates_dir), 0, 0},
	{"static_url", K_STR, offsetof(struct config, static_url), 0, 0},
	{"base_url", K_STR, offsetof(struct config, base_url), 0, 0},
	{"default_timezone", K_STR, offsetof(struct config, default_timezone), 0, 0},
	{"default_language", K_STR, offsetof(struct config, default_language), 0, 0},
	{"staff_language", K_STR, offsetof(struct config, staff_language), 0, 0},
	{"trusted_proxy", K_STR, offsetof(struct config, trusted_proxy), 0, 0},
	{"cookie_secure", K_BOOLAUTO, offsetof(struct config, cookie_secure), 0, 0},
	{"ratelimit_window", K_INT, offsetof(struct config, ratelimit_window), 1, 86400},
	{"ratelimit_lookups", K_INT, offsetof(struct config, ratelimit_lookups), 1, 1000000},
	{"ratelimit_login", K_INT, offsetof(struct config, ratelimit_login), 1, 1000000},
	{"ratelimit_certificates", K_INT, offsetof(struct config, ratelimit_certificates), 1, 1000000},
	{"ratelimit_messages", K_INT, offsetof(struct config, ratelimit_messages), 1, 1000000},
	{"ratelimit_job_messages", K_INT, offsetof(struct config, ratelimit_job_messages), 1, 1000000},
	{"session_idle", K_INT, offsetof(struct config, session_idle), 60, 30 * 86400},
	{"session_absolute", K_INT, offsetof(struct config, session_absolute), 60, 365 * 86400},
	{"max_body", K_INT, offsetof(struct config, max_body), 1024, 64L << 20},
	{"max_upload", K_INT, offsetof(struct config, max_upload), 1L << 20, 256L << 20},
	{"legacy_lookups_until", K_STR, offsetof(struct config, legacy_lookups_until), 0, 0},
	{"cgi_user", K_STR, offsetof(struct config, cgi_user), 0, 0},
	{"mail_transport", K_STR, offsetof(struct config, mail_transport), 0, 0},
	{"smtp_url", K_STR, offsetof(struct config, smtp_url), 0, 0},
	{"smtp_starttls", K_BOOLAUTO, offsetof(struct config, smtp_starttls), 0, 0},
	{"smtp_user", K_STR, offsetof(struct config, smtp_user), 0, 0},
	{"smtp_password_file", K_STR, offsetof(struct config, smtp_password_file), 0, 0},
	{"mail_from", K_STR, offsetof(struct config, mail_from), 0, 0},
	{"mail_dir", K_STR, offsetof(struct config, mail_dir), 0, 0},
	{"sms_transport", K_STR, offsetof(struct config, sms_transport), 0, 0},
	{"sms_url", K_STR, offsetof(struct config, sms_url), 0, 0},
	{"sms_method", K_STR, offsetof(struct config, sms_method), 0, 0},
	{"sms_content_type", K_STR, offsetof(struct config, sms_content_type), 0, 0},
	{"sms_body", K_STR, offsetof(struct config, sms_body), 0, 0},
	{"sms_auth_file", K_STR, offsetof(struct config, sms_auth_file), 0, 0},
	{"sms_dir", K_STR, offsetof(struct config, sms_dir), 0, 0},
};

/* A string key's value must be one of these ("" for unset), when listed. */
static const struct choice {
	const char *key;
	const char *const values[4];
} choices[] = {
	{"mail_transport", {"", "smtp", "file", NULL}},
	{"sms_transport", {"", "http", "file", NULL}},
	{"sms_method", {"POST", "GET", NULL}},
	{"sms_content_type", {"form", "json", NULL}},
};

const char *config_path(void)
{
	const char *p = getenv(HM_CONFIG_ENV);
	return p && *p ? p : HM_DEFAULT_CONFIG;
}

static void set_defaults(struct config *c)
{
	memset(c, 0, sizeof *c);
	c->cookie_secure = -1;
	c->ratelimit_window = 600;
	c->ratelimit_lookups = 30;
	c->ratelimit_login = 10;
	c->ratelimit_certificates = 20;
	c->ratelimit_messages = 10;
	c->ratelimit_job_messages = 20;
	c->session_idle = 8 * 3600;
	c->session_absolute = 7 * 86400;
	c->max_body = 256 * 1024;
	c->max_upload = 12L << 20;
	c->smtp_starttls = 1;
}

static int set_key(struct config *c, const struct key *k, const char *v, char **err)
{
	char *end;
	long n;
	void *field = (char *)c + k->off;

	switch (k->type) {
	case K_STR:
		for (size_t i = 0; i < HM_NELEM(choices); i++) {
			if (strcmp(choices[i].key, k->name))
				continue;
			int ok = 0;
			for (const char *const *c2 = choices[i].values; *c2; c2++)
				ok |= !strcmp(*c2, v);
			if (!ok)
				goto bad;
		}
		free(*(char **)field);
		*(char **)field = xstrdup(v);
		return 0;
	case K_BOOLAUTO:
		if (!strcmp(v, "auto"))
			*(int *)field = -1;
		else if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
			*(int *)field = 1;
		else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
			*(int *)field = 0;
		else
			goto bad;
		return 0;
	case K_INT:
		errno = 0;
		n = strtol(v, &end, 10);
		if (errno || end == v || *end || n < k->min || n > k->max)
			goto bad;
		if (k->off == offsetof(struct config, max_body) ||
		    k->off == offsetof(struct config, max_upload))
			*(long *)field = n;
		else
			*(int *)field = (int)n;
		return 0;
	}
bad:
	*err = xasprintf("bad value for %s: %s", k->name, v);
	return -1;
}

int config_load(struct config *c, const char *path, char **err)
{
	char *text = NULL, *line, *next;
	int lineno = 0, rc = -1;

	set_defaults(c);
	if (!path)
		path = config_path();
	text = read_file(path, 64 * 1024, NULL);
	if (!text) {
		*err = xasprintf("cannot read configuration %s: %s", path, strerror(errno));
		goto out;
	}
	for (line = text; line; line = next) {
		/* Blank lines count too, so errors name the line an editor shows. */
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		/* '#' starts a comment anywhere, so no value can contain one. */
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		str_trim(line);
		if (!*line)
			continue;
		char *eq = strchr(line, '=');
		if (!eq) {
			*err = xasprintf("%s: line %d: expected key = value", path, lineno);
			goto out;
		}
		*eq = '\0';
		char *k = str_trim(line), *v = str_trim(eq + 1);
		const struct key *found = NULL;
		for (size_t i = 0; i < HM_NELEM(keys); i++)
			if (!strcmp(keys[i].name, k))
				found = &keys[i];
		if (!found) {
			*err = xasprintf("%s: line %d: unknown key %s", path, lineno, k);
			goto out;
		}
		if (set_key(c, found, v, err) != 0)
			goto out;
	}
	if (!c->database || !*c->database || !c->secret_key_file || !*c->secret_key_file ||
	    !c->templates_dir || !*c->templates_dir) {
		*err = xasprintf("%s: database, secret_key_file and templates_dir are required", path);
		goto out;
	}
	if (!c->ratelimit_database || !*c->ratelimit_database) {
		free(c->ratelimit_database);
		c->ratelimit_database = xasprintf("%s.ratelimit", c->database);
	}
	if (!c->media_dir || !*c->media_dir) {
		free(c->media_dir);
		c->media_dir = xasprintf("%s.media", c->database);
	}
	if (!c->static_url)
		c->static_url = xstrdup("/static");
	if (!c->base_url)
		c->base_url = xstrdup("");
	if (!c->default_timezone || !*c->default_timezone) {
		free(c->default_timezone);
		c->default_timezone = xstrdup("UTC");
	}
	/* A language is one there is a catalog for (src/po). */
	char **langs[] = {&c->default_language, &c->staff_language};
	for (size_t i = 0; i < HM_NELEM(langs); i++) {
		if (!*langs[i] || !**langs[i]) {
			free(*langs[i]);
			*langs[i] = xstrdup("en");
		} else if (!lang_find(*langs[i]) || strcmp(lang_find(*langs[i])->code, *langs[i])) {
			*err = xasprintf("%s: %s must be a language Hallmark has: %s", path,
			    i ? "staff_language" : "default_language", lang_codes_joined());
			goto out;
		}
	}
	if (!c->trusted_proxy)
		c->trusted_proxy = xstrdup("");
	if (!c->legacy_lookups_until)
		c->legacy_lookups_until = xstrdup("");
	/* Unset strings read as "", so nobody has to test for NULL. */
	char **empty_ok[] = {&c->mail_transport, &c->smtp_url, &c->smtp_user,
	    &c->smtp_password_file, &c->mail_from, &c->mail_dir, &c->sms_transport, &c->sms_url,
	    &c->sms_body, &c->sms_auth_file, &c->sms_dir};
	for (size_t i = 0; i < HM_NELEM(empty_ok); i++)
		if (!*empty_ok[i])
			*empty_ok[i] = xstrdup("");
	if (!c->sms_method)
		c->sms_method = xstrdup("POST");
	if (!c->sms_content_type)
		c->sms_content_type = xstrdup("form");
	if (!c->cgi_user || !*c->cgi_user) {
		free(c->cgi_user);
		c->cgi_user = xstrdup("www-data");
	}
	if (*c->legacy_lookups_until && !iso_date_ok(c->legacy_lookups_until)) {
		*err = xasprintf("%s: legacy_lookups_until must be a date like 2027-06-30", path);
		goto out;
	}
	/* A trailing slash would double up in every link we build. */
	size_t n = strlen(c->base_url);
	while (n && c->base_url[n - 1] == '/')
		c->base_url[--n] = '\0';
	rc = 0;
out:
	free(text);
	if (rc)
		config_free(c);
	return rc;
}

void config_free(struct config *c)
{
	for (size_t i = 0; i < HM_NELEM(keys); i++)
		if (keys[i].type == K_STR) {
			char **p = (char **)((char *)c + keys[i].off);
			free(*p);
			*p = NULL;
		}
}
