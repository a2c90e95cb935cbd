// The router's types pull in API Worker source, which uses Workers-only members of globals the
// DOM library also declares. Declaration merging (hence `interface`) adds them for this check.
interface Crypto {
  DigestStream: typeof DigestStream;
}
