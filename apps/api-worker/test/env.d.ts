declare namespace Cloudflare {
  interface Env {
    /** Tests only: an empty database for the migrations test. */
    TEST_BLANK_DATABASE_URL: string;
  }
}
