/**
 * The StaticFrontend's asset pipeline: image -> files -> generated settings -> manifest -> S3 ->
 * CloudFront invalidation. Pure or I/O-only modules, tested without a cloud.
 */
export * from "../core/image-ref";
export * from "./oci";
export * from "./tc-params";
export * from "./manifest";
export * from "./sync";
export * from "./cloudfront-function";
export { readTar, TarFormatError } from "./tar";
export type { TarEntry, TarEntryType, TarContent } from "./tar";
