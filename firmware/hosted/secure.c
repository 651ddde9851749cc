/* The TLS under espconn_secure_* (espconn.c): OpenSSL client sessions on the connection's
 * non-blocking socket. As NodeMCU's mbedTLS layer: the broker's certificate is checked only once
 * tls.cert.verify gave a CA and checking is on (tls.c); a failed handshake prints why on the
 * console, as the SDK does, and espconn ends the connection with ESPCONN_HANDSHAKE. */
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>

#include "hosted.h"

struct hosted_tls {
  SSL_CTX *ctx;
  SSL *ssl;
};

static X509_STORE *ca_store;   /* tls.cert.verify's CA certificates */
static bool verify_on;

bool hosted_tls_set_ca(const char *pem, size_t len) {
  BIO *bio = BIO_new_mem_buf(pem, (int)len);
  X509_STORE *store = X509_STORE_new();
  int added = 0;
  X509 *cert;
  while (bio && store && (cert = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
    added += X509_STORE_add_cert(store, cert) == 1;
    X509_free(cert);
  }
  ERR_clear_error();   /* the end of the data reads as an error */
  BIO_free(bio);
  if (added == 0) {
    X509_STORE_free(store);
    return false;
  }
  X509_STORE_free(ca_store);
  ca_store = store;
  verify_on = true;
  return true;
}

bool hosted_tls_verify(bool on) {
  if (on && !ca_store) return false;
  verify_on = on;
  return true;
}

hosted_tls *hosted_tls_new(int fd) {
  hosted_tls *t = calloc(1, sizeof *t);
  if (!t) return NULL;
  t->ctx = SSL_CTX_new(TLS_client_method());
  if (t->ctx) {
    SSL_CTX_set_mode(t->ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    if (verify_on) {
      X509_STORE_up_ref(ca_store);
      SSL_CTX_set_cert_store(t->ctx, ca_store);
      SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER, NULL);
    } else {
      SSL_CTX_set_verify(t->ctx, SSL_VERIFY_NONE, NULL);
    }
    t->ssl = SSL_new(t->ctx);
  }
  if (!t->ssl || SSL_set_fd(t->ssl, fd) != 1) {
    hosted_tls_free(t);
    return NULL;
  }
  SSL_set_connect_state(t->ssl);
  return t;
}

/* What an SSL call's result means: 0 wait (events in *want), -1 failed. */
static int outcome(hosted_tls *t, int r, short *want) {
  int e = SSL_get_error(t->ssl, r);
  *want = e == SSL_ERROR_WANT_READ ? POLLIN : e == SSL_ERROR_WANT_WRITE ? POLLOUT : 0;
  if (*want) return 0;
  return e == SSL_ERROR_ZERO_RETURN ? -2 : -1;
}

int hosted_tls_handshake(hosted_tls *t, short *want) {
  int r = SSL_do_handshake(t->ssl);
  if (r == 1) return 1;
  if (outcome(t, r, want) == 0) return 0;
  long verify = SSL_get_verify_result(t->ssl);
  if (verify != X509_V_OK) {
    printf("client handshake failed! the broker's certificate did not verify against the CA given to "
           "tls.cert.verify: %s\n", X509_verify_cert_error_string(verify));
  } else {
    unsigned long e = ERR_peek_last_error();
    printf("client handshake failed! %s\n", e ? ERR_reason_error_string(e) : "the broker closed the connection");
  }
  fflush(stdout);
  ERR_clear_error();
  return -1;
}

ssize_t hosted_tls_read(hosted_tls *t, void *buf, size_t len, short *want) {
  int r = SSL_read(t->ssl, buf, (int)len);
  if (r > 0) return r;
  int o = outcome(t, r, want);
  ERR_clear_error();
  return o == -2 ? 0 : -1;   /* close_notify reads as the peer's FIN */
}

ssize_t hosted_tls_write(hosted_tls *t, const void *buf, size_t len, short *want) {
  int r = SSL_write(t->ssl, buf, (int)len);
  if (r > 0) return r;
  outcome(t, r, want);
  ERR_clear_error();
  return -1;
}

bool hosted_tls_pending(const hosted_tls *t) { return SSL_pending(t->ssl) > 0; }

void hosted_tls_shutdown(hosted_tls *t) {
  SSL_shutdown(t->ssl);   /* our close_notify; the peer's is not waited for */
  ERR_clear_error();
}

void hosted_tls_free(hosted_tls *t) {
  if (!t) return;
  SSL_free(t->ssl);
  SSL_CTX_free(t->ctx);
  free(t);
}
