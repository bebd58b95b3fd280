/* Email through an SMTP relay, with libcurl (send.h). */
#include "send.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "config.h"
#include "util.h"

struct upload {
	const char *p;
	size_t left;
};

static size_t read_cb(char *dst, size_t size, size_t nmemb, void *closure)
{
	struct upload *u = closure;
	size_t n = size * nmemb < u->left ? size * nmemb : u->left;
	memcpy(dst, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

int smtp_send(const struct sender *s, const char *rcpt, const char *msg, size_t len,
    char *err, size_t n)
{
	const struct config *cfg = s->cfg;
	char errbuf[CURL_ERROR_SIZE] = "", *from = NULL, *to = NULL;
	struct curl_slist *rcpts = NULL;
	struct upload u = {msg, len};
	long code = 0;
	int rc = -1;
	CURL *c = curl_easy_init();
	if (!c) {
		snprintf(err, n, "could not start libcurl");
		return -1;
	}
	from = xasprintf("<%s>", cfg->mail_from);
	to = xasprintf("<%s>", rcpt);
	rcpts = curl_slist_append(rcpts, to);
	curl_easy_setopt(c, CURLOPT_URL, s->smtp_url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	/* smtps:// is TLS from the start; smtp:// upgrades with STARTTLS and
	 * refuses to go on without it, unless the operator said no (a relay
	 * on localhost). */
	curl_easy_setopt(c, CURLOPT_USE_SSL, cfg->smtp_starttls == 0 ? (long)CURLUSESSL_NONE
	    : (long)CURLUSESSL_ALL);
	if (*cfg->smtp_user) {
		curl_easy_setopt(c, CURLOPT_USERNAME, cfg->smtp_user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, s->smtp_password ? s->smtp_password : "");
	}
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpts);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &u);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)SEND_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)SEND_CONNECT_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	CURLcode cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (cc == CURLE_OK) {
		rc = 0;
	} else {
		char reply[32] = "";
		if (code && !strstr(errbuf, "failed:"))
			snprintf(reply, sizeof reply, " (the relay answered %ld)", code);
		snprintf(err, n, "mail relay: %s%s", *errbuf ? errbuf : curl_easy_strerror(cc), reply);
	}
	curl_slist_free_all(rcpts);
	curl_easy_cleanup(c);
	free(from);
	free(to);
	return rc;
}
