export {
  computeSignature,
  SIGNATURE_VERSION,
  type SignedParts,
  signatureHeaders,
  signedPayload,
  signRequest,
} from './sign-request.ts';
export {
  SIGNATURE_TOLERANCE_SECONDS,
  type VerifyFailure,
  type VerifyInput,
  type VerifyResult,
  verifySignature,
} from './verify-signature.ts';
