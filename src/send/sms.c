/* Text messages through an HTTP gateway, with libcurl (send.h). The
 * operator's sms_url and sms_body say where and what, with {to} and
 * {text} escaped for where they stand (outbound.h). */
#include "send.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "config.h"
#include "outbound.h"
#include "utf8.h"

#define ANSWER_MAX 8192		/* of the gateway's answer, kept for the error */

static size_t write_cb(char *p, size_t size, size_t nmemb, void *closure)
{
	struct buf *b = closure;
	size_t n = size * nmemb;
	if (b->len < ANSWER_MAX)
		buf_append(b, p, n < ANSWER_MAX - b->len ? n : ANSWER_MAX - b->len);
	return n;
}

int sms_http_send(const struct sender *s, const char *to, const char *text, char *err, size_t n)
{
	const struct config *cfg = s->cfg;
	struct buf url = {0}, body = {0}, answer = {0};
	struct curl_slist *headers = NULL;
	char errbuf[CURL_ERROR_SIZE] = "";
	long status = 0;
	int post = strcmp(cfg->sms_method, "GET") != 0;
	int json = !strcmp(cfg->sms_content_type, "json");
	CURL *c = curl_easy_init();
	if (!c) {
		snprintf(err, n, "could not start libcurl");
		return -1;
	}
	sms_expand(&url, cfg->sms_url, to, text, SMS_ESC_URL);
	curl_easy_setopt(c, CURLOPT_URL, url.data);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_USERAGENT, "Hallmark");
	if (s->sms_auth)
		headers = curl_slist_append(headers, s->sms_auth);
	if (post) {
		sms_expand(&body, cfg->sms_body, to, text, json ? SMS_ESC_JSON : SMS_ESC_FORM);
		headers = curl_slist_append(headers, json ? "Content-Type: application/json"
		    : "Content-Type: application/x-www-form-urlencoded");
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body.len);
	} else {
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	}
	/* No "Expect: 100-continue" round trip for a small body. */
	headers = curl_slist_append(headers, "Expect:");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)SEND_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)SEND_CONNECT_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	CURLcode cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	int rc = -1;
	if (cc != CURLE_OK) {
		snprintf(err, n, "SMS gateway: %s", *errbuf ? errbuf : curl_easy_strerror(cc));
	} else if (status >= 200 && status <= 299) {
		rc = 0;
	} else {
		/* The first line of what it said, as text. */
		const char *a = answer.data ? answer.data : "";
		a += strspn(a, " \t\r\n");
		char *line = utf8_clean(a, strcspn(a, "\r\n"), UTF8_CTL_SPACE);
		/* Whole: the sender scrubs links and IDs out before cutting it. */
		snprintf(err, n, "SMS gateway: HTTP %ld%s%s", status, *line ? ": " : "", line);
		free(line);
	}
	curl_slist_free_all(headers);
	curl_easy_cleanup(c);
	buf_free(&url);
	buf_free(&body);
	buf_free(&answer);
	return rc;
}
