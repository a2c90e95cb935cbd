/**
 * The demo attorney the development seed (`POST /dev/seed` of the API Worker) creates, and that
 * `npm start` prints and the benchmarks sign in as. Development data only, never a real account.
 */
export const DEMO_LOGIN = { email: "demo@steno.law", password: "steno-demo-password" } as const;
