// Kubernetes protobuf (application/vnd.kubernetes.protobuf) request decoding.

export {
  type DecodedProtobuf,
  decodeKubernetesProtobuf,
  formatGoDuration,
  formatTime,
  MAX_NESTING,
  PROTOBUF_MEDIA_TYPE,
  protobufKinds,
} from './decode.ts'
export { ProtoReader, WireError } from './reader.ts'
