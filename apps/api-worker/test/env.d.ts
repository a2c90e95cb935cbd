declare namespace Cloudflare {
  interface Env {
    /** Tests only: an empty database for the migrations test. */
    TEST_BLANK_DATABASE_URL: string;
    /** Tests only: an empty database the backup test restores letters into. */
    TEST_RESTORE_DATABASE_URL: string;
  }
}
