// The API's router type (scripts/lib/api.ts) reaches into the Worker's files, which are checked
// here against Node's globals. Node's `crypto` is the DOM's Crypto, without workerd's addition.
interface Crypto {
  readonly DigestStream: typeof DigestStream;
}
