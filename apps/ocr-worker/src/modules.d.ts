declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}
declare module "*.gz" {
  const data: ArrayBuffer;
  export default data;
}
