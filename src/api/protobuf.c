/* protobuf.c — Kubernetes protobuf request bodies → the JSON object they stand for.
 *
 * Why a hand-written decoder and not protoc-c: we need exactly one direction (wire →
 * JSON), for six kinds, and the JSON we produce must be what the same client would have
 * sent as JSON.  That mapping is not the protobuf one: Go's JSON tags decide names,
 * embedded structs are inlined (LocalObjectReference in the key selectors, VolumeSource
 * in Volume, ProbeHandler in Probe, EphemeralContainerCommon), and gogo-protobuf writes
 * every non-pointer scalar even when it is "" / 0 / false, which JSON (omitempty) would
 * have left out.  So the schema below carries, per field, the JSON name, the shape and a
 * "keep zero" bit; everything else is generic wire decoding.
 *
 * Zero values: a scalar equal to its zero value is dropped unless the Go field is a
 * pointer (on the wire only when set, so an explicit 0/false/"" is the user's choice:
 * parallelism, suspend, immutable, …) or an int/bool without omitempty (Go's JSON always
 * carries those: exitCode, restartCount, ready, uid, …).  Messages are always kept
 * (`"spec":{}`), lists and maps exist only when they have elements.  A non-repeated field
 * seen twice follows protobuf: scalars last-wins, messages merge.
 *
 * Special messages with a non-object JSON form: Time → RFC 3339 (dropped when empty or
 * Go's zero time), Quantity → its string, IntOrString → int or string, FieldsV1 → the raw
 * JSON it carries.  Maps are repeated {1:key,2:value} entries; bytes become base64.
 *
 * The body is hostile input: every length is checked against what is left, varints are at
 * most 10 bytes, group and unknown wire types are rejected, nesting is capped at
 * PB_MAX_DEPTH messages and the decoded size at PB_MAX_VALUES values / PB_MAX_STRING_BYTES
 * bytes of strings (a two-byte empty list element costs a whole JSON object).  Strings must
 * be UTF-8 without NUL, as jparse() demands of JSON bodies.  Unknown fields are skipped.
 *
 * The table was generated once from PROTO_SCHEMA_TEXT (shared/tools/fake_apiserver.py,
 * k8s.io/api v0.32.4 generated.proto) joined with the Go struct tags of k8s.io/api
 * core/v1, batch/v1 and apimachinery meta/v1 types.go (pointer / omitempty / inline).
 * Field numbers are never reused upstream, so newer clients only add unknown fields. */
#include <stdarg.h>
#include <time.h>
#include "api/protobuf.h"

#define PB_MAX_DEPTH 32
#define PB_MAX_VALUES (1u << 20)
#define PB_MAX_STRING_BYTES (8u << 20)
#define PB_MAGIC "k8s\0"
#define PB_MAGIC_LEN 4

enum pb_type {
        PB_STRING,
        PB_BYTES, /* → base64 */
        PB_INT,   /* int32/int64 varint */
        PB_BOOL,
        PB_MESSAGE,
        PB_TIME, /* metav1.Time {1:seconds,2:nanos} → RFC 3339 */
        PB_QTY,  /* resource.Quantity {1:string} → string */
        PB_IOS,  /* intstr.IntOrString {1:type,2:intVal,3:strVal} */
        PB_RAW,  /* FieldsV1 {1: raw JSON} */
};

enum pb_card {
        PB_ONE,
        PB_REP, /* repeated: one element per occurrence (ints may be packed) */
        PB_MAP, /* map<string,T>: repeated {1:key,2:value} */
};

enum {
        PB_KEEP_ZERO = 1 << 0, /* pointer or non-omitempty int/bool: 0/false/"" is meaningful */
        PB_INLINE = 1 << 1,    /* embedded Go struct: its fields land in the parent object */
};

struct pb_field {
        uint8_t num;
        uint8_t type; /* enum pb_type: of the value, list element or map value */
        uint8_t card; /* enum pb_card */
        uint8_t flags;
        uint8_t msg; /* enum pb_msg_id when type is PB_MESSAGE */
        const char *name;
};

struct pb_msg {
        const char *name;
        const struct pb_field *fields;
        size_t nfields;
};

/* clang-format off */
#define PBF(n, nm, t, c, fl, m) \
        {.num = n, .type = PB_##t, .card = PB_##c, .flags = fl, .msg = m, .name = nm}
#define S(n, nm) PBF(n, nm, STRING, ONE, 0, 0)
#define SZ(n, nm) PBF(n, nm, STRING, ONE, PB_KEEP_ZERO, 0)
#define I(n, nm) PBF(n, nm, INT, ONE, 0, 0)
#define IZ(n, nm) PBF(n, nm, INT, ONE, PB_KEEP_ZERO, 0)
#define B(n, nm) PBF(n, nm, BOOL, ONE, 0, 0)
#define BZ(n, nm) PBF(n, nm, BOOL, ONE, PB_KEEP_ZERO, 0)
#define Y(n, nm) PBF(n, nm, BYTES, ONE, 0, 0)
#define T(n, nm) PBF(n, nm, TIME, ONE, 0, 0)
#define Q(n, nm) PBF(n, nm, QTY, ONE, 0, 0)
#define IOS(n, nm) PBF(n, nm, IOS, ONE, 0, 0)
#define RAW(n, nm) PBF(n, nm, RAW, ONE, 0, 0)
#define M(n, nm, m) PBF(n, nm, MESSAGE, ONE, 0, PBM_##m)
#define INL(n, m) PBF(n, #m, MESSAGE, ONE, PB_INLINE, PBM_##m)
#define RS(n, nm) PBF(n, nm, STRING, REP, 0, 0)
#define RI(n, nm) PBF(n, nm, INT, REP, 0, 0)
#define RM(n, nm, m) PBF(n, nm, MESSAGE, REP, 0, PBM_##m)
#define MAPS(n, nm) PBF(n, nm, STRING, MAP, 0, 0)
#define MAPY(n, nm) PBF(n, nm, BYTES, MAP, 0, 0)
#define MAPQ(n, nm) PBF(n, nm, QTY, MAP, 0, 0)
#define MSG(m) [PBM_##m] = {#m, f_##m, ARRAY_SIZE(f_##m)}

/* ---- schema (generated; see the comment at the top) ---------------------------------- */


enum pb_msg_id {
        PBM_AWSElasticBlockStoreVolumeSource,
        PBM_Affinity,
        PBM_AppArmorProfile,
        PBM_AzureDiskVolumeSource,
        PBM_AzureFileVolumeSource,
        PBM_CSIVolumeSource,
        PBM_Capabilities,
        PBM_CephFSVolumeSource,
        PBM_CinderVolumeSource,
        PBM_ClusterTrustBundleProjection,
        PBM_ConfigMap,
        PBM_ConfigMapEnvSource,
        PBM_ConfigMapKeySelector,
        PBM_ConfigMapProjection,
        PBM_ConfigMapVolumeSource,
        PBM_Container,
        PBM_ContainerPort,
        PBM_ContainerResizePolicy,
        PBM_ContainerState,
        PBM_ContainerStateRunning,
        PBM_ContainerStateTerminated,
        PBM_ContainerStateWaiting,
        PBM_ContainerStatus,
        PBM_ContainerUser,
        PBM_CronJob,
        PBM_CronJobSpec,
        PBM_CronJobStatus,
        PBM_DownwardAPIProjection,
        PBM_DownwardAPIVolumeFile,
        PBM_DownwardAPIVolumeSource,
        PBM_EmptyDirVolumeSource,
        PBM_EnvFromSource,
        PBM_EnvVar,
        PBM_EnvVarSource,
        PBM_EphemeralContainer,
        PBM_EphemeralVolumeSource,
        PBM_ExecAction,
        PBM_FCVolumeSource,
        PBM_FlexVolumeSource,
        PBM_FlockerVolumeSource,
        PBM_GCEPersistentDiskVolumeSource,
        PBM_GRPCAction,
        PBM_GitRepoVolumeSource,
        PBM_GlusterfsVolumeSource,
        PBM_HTTPGetAction,
        PBM_HTTPHeader,
        PBM_HostAlias,
        PBM_HostIP,
        PBM_HostPathVolumeSource,
        PBM_ISCSIVolumeSource,
        PBM_ImageVolumeSource,
        PBM_Job,
        PBM_JobCondition,
        PBM_JobSpec,
        PBM_JobStatus,
        PBM_JobTemplateSpec,
        PBM_KeyToPath,
        PBM_LabelSelector,
        PBM_LabelSelectorRequirement,
        PBM_Lifecycle,
        PBM_LifecycleHandler,
        PBM_LinuxContainerUser,
        PBM_LocalObjectReference,
        PBM_ManagedFieldsEntry,
        PBM_NFSVolumeSource,
        PBM_Namespace,
        PBM_NamespaceCondition,
        PBM_NamespaceSpec,
        PBM_NamespaceStatus,
        PBM_NodeAffinity,
        PBM_NodeSelector,
        PBM_NodeSelectorRequirement,
        PBM_NodeSelectorTerm,
        PBM_ObjectFieldSelector,
        PBM_ObjectMeta,
        PBM_ObjectReference,
        PBM_OwnerReference,
        PBM_PersistentVolumeClaimSpec,
        PBM_PersistentVolumeClaimTemplate,
        PBM_PersistentVolumeClaimVolumeSource,
        PBM_PhotonPersistentDiskVolumeSource,
        PBM_Pod,
        PBM_PodAffinity,
        PBM_PodAffinityTerm,
        PBM_PodAntiAffinity,
        PBM_PodCondition,
        PBM_PodDNSConfig,
        PBM_PodDNSConfigOption,
        PBM_PodFailurePolicy,
        PBM_PodFailurePolicyOnExitCodesRequirement,
        PBM_PodFailurePolicyOnPodConditionsPattern,
        PBM_PodFailurePolicyRule,
        PBM_PodIP,
        PBM_PodOS,
        PBM_PodReadinessGate,
        PBM_PodResourceClaim,
        PBM_PodResourceClaimStatus,
        PBM_PodSchedulingGate,
        PBM_PodSecurityContext,
        PBM_PodSpec,
        PBM_PodStatus,
        PBM_PodTemplateSpec,
        PBM_PortworxVolumeSource,
        PBM_PreferredSchedulingTerm,
        PBM_Probe,
        PBM_ProbeHandler,
        PBM_ProjectedVolumeSource,
        PBM_QuobyteVolumeSource,
        PBM_RBDVolumeSource,
        PBM_ResourceClaim,
        PBM_ResourceFieldSelector,
        PBM_ResourceHealth,
        PBM_ResourceRequirements,
        PBM_ResourceStatus,
        PBM_SELinuxOptions,
        PBM_ScaleIOVolumeSource,
        PBM_SeccompProfile,
        PBM_Secret,
        PBM_SecretEnvSource,
        PBM_SecretKeySelector,
        PBM_SecretProjection,
        PBM_SecretVolumeSource,
        PBM_SecurityContext,
        PBM_ServiceAccountTokenProjection,
        PBM_SleepAction,
        PBM_StorageOSVolumeSource,
        PBM_SuccessPolicy,
        PBM_SuccessPolicyRule,
        PBM_Sysctl,
        PBM_TCPSocketAction,
        PBM_Toleration,
        PBM_TopologySpreadConstraint,
        PBM_TypedLocalObjectReference,
        PBM_TypedObjectReference,
        PBM_UncountedTerminatedPods,
        PBM_Volume,
        PBM_VolumeDevice,
        PBM_VolumeMount,
        PBM_VolumeMountStatus,
        PBM_VolumeProjection,
        PBM_VolumeResourceRequirements,
        PBM_VolumeSource,
        PBM_VsphereVirtualDiskVolumeSource,
        PBM_WeightedPodAffinityTerm,
        PBM_WindowsSecurityContextOptions,
        PBM__COUNT,
};

static const struct pb_field f_AWSElasticBlockStoreVolumeSource[] = {
        S(1, "volumeID"), S(2, "fsType"), I(3, "partition"), B(4, "readOnly"),
};
static const struct pb_field f_Affinity[] = {
        M(1, "nodeAffinity", NodeAffinity), M(2, "podAffinity", PodAffinity),
        M(3, "podAntiAffinity", PodAntiAffinity),
};
static const struct pb_field f_AppArmorProfile[] = {
        S(1, "type"), SZ(2, "localhostProfile"),
};
static const struct pb_field f_AzureDiskVolumeSource[] = {
        S(1, "diskName"), S(2, "diskURI"), SZ(3, "cachingMode"), SZ(4, "fsType"),
        BZ(5, "readOnly"), SZ(6, "kind"),
};
static const struct pb_field f_AzureFileVolumeSource[] = {
        S(1, "secretName"), S(2, "shareName"), B(3, "readOnly"),
};
static const struct pb_field f_CSIVolumeSource[] = {
        S(1, "driver"), BZ(2, "readOnly"), SZ(3, "fsType"), MAPS(4, "volumeAttributes"),
        M(5, "nodePublishSecretRef", LocalObjectReference),
};
static const struct pb_field f_Capabilities[] = {
        RS(1, "add"), RS(2, "drop"),
};
static const struct pb_field f_CephFSVolumeSource[] = {
        RS(1, "monitors"), S(2, "path"), S(3, "user"), S(4, "secretFile"),
        M(5, "secretRef", LocalObjectReference), B(6, "readOnly"),
};
static const struct pb_field f_CinderVolumeSource[] = {
        S(1, "volumeID"), S(2, "fsType"), B(3, "readOnly"),
        M(4, "secretRef", LocalObjectReference),
};
static const struct pb_field f_ClusterTrustBundleProjection[] = {
        SZ(1, "name"), SZ(2, "signerName"), M(3, "labelSelector", LabelSelector), S(4, "path"),
        BZ(5, "optional"),
};
static const struct pb_field f_ConfigMap[] = {
        M(1, "metadata", ObjectMeta), MAPS(2, "data"), MAPY(3, "binaryData"),
        BZ(4, "immutable"),
};
static const struct pb_field f_ConfigMapEnvSource[] = {
        INL(1, LocalObjectReference), BZ(2, "optional"),
};
static const struct pb_field f_ConfigMapKeySelector[] = {
        INL(1, LocalObjectReference), S(2, "key"), BZ(3, "optional"),
};
static const struct pb_field f_ConfigMapProjection[] = {
        INL(1, LocalObjectReference), RM(2, "items", KeyToPath), BZ(4, "optional"),
};
static const struct pb_field f_ConfigMapVolumeSource[] = {
        INL(1, LocalObjectReference), RM(2, "items", KeyToPath), IZ(3, "defaultMode"),
        BZ(4, "optional"),
};
static const struct pb_field f_Container[] = {
        S(1, "name"), S(2, "image"), RS(3, "command"), RS(4, "args"), S(5, "workingDir"),
        RM(6, "ports", ContainerPort), RM(7, "env", EnvVar),
        M(8, "resources", ResourceRequirements), RM(9, "volumeMounts", VolumeMount),
        M(10, "livenessProbe", Probe), M(11, "readinessProbe", Probe),
        M(12, "lifecycle", Lifecycle), S(13, "terminationMessagePath"),
        S(14, "imagePullPolicy"), M(15, "securityContext", SecurityContext), B(16, "stdin"),
        B(17, "stdinOnce"), B(18, "tty"), RM(19, "envFrom", EnvFromSource),
        S(20, "terminationMessagePolicy"), RM(21, "volumeDevices", VolumeDevice),
        M(22, "startupProbe", Probe), RM(23, "resizePolicy", ContainerResizePolicy),
        SZ(24, "restartPolicy"),
};
static const struct pb_field f_ContainerPort[] = {
        S(1, "name"), I(2, "hostPort"), IZ(3, "containerPort"), S(4, "protocol"),
        S(5, "hostIP"),
};
static const struct pb_field f_ContainerResizePolicy[] = {
        S(1, "resourceName"), S(2, "restartPolicy"),
};
static const struct pb_field f_ContainerState[] = {
        M(1, "waiting", ContainerStateWaiting), M(2, "running", ContainerStateRunning),
        M(3, "terminated", ContainerStateTerminated),
};
static const struct pb_field f_ContainerStateRunning[] = {
        T(1, "startedAt"),
};
static const struct pb_field f_ContainerStateTerminated[] = {
        IZ(1, "exitCode"), I(2, "signal"), S(3, "reason"), S(4, "message"), T(5, "startedAt"),
        T(6, "finishedAt"), S(7, "containerID"),
};
static const struct pb_field f_ContainerStateWaiting[] = {
        S(1, "reason"), S(2, "message"),
};
static const struct pb_field f_ContainerStatus[] = {
        S(1, "name"), M(2, "state", ContainerState), M(3, "lastState", ContainerState),
        BZ(4, "ready"), IZ(5, "restartCount"), S(6, "image"), S(7, "imageID"),
        S(8, "containerID"), BZ(9, "started"), MAPQ(10, "allocatedResources"),
        M(11, "resources", ResourceRequirements), RM(12, "volumeMounts", VolumeMountStatus),
        M(13, "user", ContainerUser), RM(14, "allocatedResourcesStatus", ResourceStatus),
};
static const struct pb_field f_ContainerUser[] = {
        M(1, "linux", LinuxContainerUser),
};
static const struct pb_field f_CronJob[] = {
        M(1, "metadata", ObjectMeta), M(2, "spec", CronJobSpec), M(3, "status", CronJobStatus),
};
static const struct pb_field f_CronJobSpec[] = {
        S(1, "schedule"), IZ(2, "startingDeadlineSeconds"), S(3, "concurrencyPolicy"),
        BZ(4, "suspend"), M(5, "jobTemplate", JobTemplateSpec),
        IZ(6, "successfulJobsHistoryLimit"), IZ(7, "failedJobsHistoryLimit"), SZ(8, "timeZone"),
};
static const struct pb_field f_CronJobStatus[] = {
        RM(1, "active", ObjectReference), T(4, "lastScheduleTime"), T(5, "lastSuccessfulTime"),
};
static const struct pb_field f_DownwardAPIProjection[] = {
        RM(1, "items", DownwardAPIVolumeFile),
};
static const struct pb_field f_DownwardAPIVolumeFile[] = {
        S(1, "path"), M(2, "fieldRef", ObjectFieldSelector),
        M(3, "resourceFieldRef", ResourceFieldSelector), IZ(4, "mode"),
};
static const struct pb_field f_DownwardAPIVolumeSource[] = {
        RM(1, "items", DownwardAPIVolumeFile), IZ(2, "defaultMode"),
};
static const struct pb_field f_EmptyDirVolumeSource[] = {
        S(1, "medium"), Q(2, "sizeLimit"),
};
static const struct pb_field f_EnvFromSource[] = {
        S(1, "prefix"), M(2, "configMapRef", ConfigMapEnvSource),
        M(3, "secretRef", SecretEnvSource),
};
static const struct pb_field f_EnvVar[] = {
        S(1, "name"), S(2, "value"), M(3, "valueFrom", EnvVarSource),
};
static const struct pb_field f_EnvVarSource[] = {
        M(1, "fieldRef", ObjectFieldSelector), M(2, "resourceFieldRef", ResourceFieldSelector),
        M(3, "configMapKeyRef", ConfigMapKeySelector), M(4, "secretKeyRef", SecretKeySelector),
};
static const struct pb_field f_EphemeralContainer[] = {
        INL(1, Container), S(2, "targetContainerName"),
};
static const struct pb_field f_EphemeralVolumeSource[] = {
        M(1, "volumeClaimTemplate", PersistentVolumeClaimTemplate),
};
static const struct pb_field f_ExecAction[] = {
        RS(1, "command"),
};
static const struct pb_field f_FCVolumeSource[] = {
        RS(1, "targetWWNs"), IZ(2, "lun"), S(3, "fsType"), B(4, "readOnly"), RS(5, "wwids"),
};
static const struct pb_field f_FlexVolumeSource[] = {
        S(1, "driver"), S(2, "fsType"), M(3, "secretRef", LocalObjectReference),
        B(4, "readOnly"), MAPS(5, "options"),
};
static const struct pb_field f_FlockerVolumeSource[] = {
        S(1, "datasetName"), S(2, "datasetUUID"),
};
static const struct pb_field f_GCEPersistentDiskVolumeSource[] = {
        S(1, "pdName"), S(2, "fsType"), I(3, "partition"), B(4, "readOnly"),
};
static const struct pb_field f_GRPCAction[] = {
        IZ(1, "port"), SZ(2, "service"),
};
static const struct pb_field f_GitRepoVolumeSource[] = {
        S(1, "repository"), S(2, "revision"), S(3, "directory"),
};
static const struct pb_field f_GlusterfsVolumeSource[] = {
        S(1, "endpoints"), S(2, "path"), B(3, "readOnly"),
};
static const struct pb_field f_HTTPGetAction[] = {
        S(1, "path"), IOS(2, "port"), S(3, "host"), S(4, "scheme"),
        RM(5, "httpHeaders", HTTPHeader),
};
static const struct pb_field f_HTTPHeader[] = {
        S(1, "name"), S(2, "value"),
};
static const struct pb_field f_HostAlias[] = {
        S(1, "ip"), RS(2, "hostnames"),
};
static const struct pb_field f_HostIP[] = {
        S(1, "ip"),
};
static const struct pb_field f_HostPathVolumeSource[] = {
        S(1, "path"), SZ(2, "type"),
};
static const struct pb_field f_ISCSIVolumeSource[] = {
        S(1, "targetPortal"), S(2, "iqn"), IZ(3, "lun"), S(4, "iscsiInterface"), S(5, "fsType"),
        B(6, "readOnly"), RS(7, "portals"), B(8, "chapAuthDiscovery"),
        M(10, "secretRef", LocalObjectReference), B(11, "chapAuthSession"),
        SZ(12, "initiatorName"),
};
static const struct pb_field f_ImageVolumeSource[] = {
        S(1, "reference"), S(2, "pullPolicy"),
};
static const struct pb_field f_Job[] = {
        M(1, "metadata", ObjectMeta), M(2, "spec", JobSpec), M(3, "status", JobStatus),
};
static const struct pb_field f_JobCondition[] = {
        S(1, "type"), S(2, "status"), T(3, "lastProbeTime"), T(4, "lastTransitionTime"),
        S(5, "reason"), S(6, "message"),
};
static const struct pb_field f_JobSpec[] = {
        IZ(1, "parallelism"), IZ(2, "completions"), IZ(3, "activeDeadlineSeconds"),
        M(4, "selector", LabelSelector), BZ(5, "manualSelector"),
        M(6, "template", PodTemplateSpec), IZ(7, "backoffLimit"),
        IZ(8, "ttlSecondsAfterFinished"), SZ(9, "completionMode"), BZ(10, "suspend"),
        M(11, "podFailurePolicy", PodFailurePolicy), IZ(12, "backoffLimitPerIndex"),
        IZ(13, "maxFailedIndexes"), SZ(14, "podReplacementPolicy"), SZ(15, "managedBy"),
        M(16, "successPolicy", SuccessPolicy),
};
static const struct pb_field f_JobStatus[] = {
        RM(1, "conditions", JobCondition), T(2, "startTime"), T(3, "completionTime"),
        I(4, "active"), I(5, "succeeded"), I(6, "failed"), S(7, "completedIndexes"),
        M(8, "uncountedTerminatedPods", UncountedTerminatedPods), IZ(9, "ready"),
        SZ(10, "failedIndexes"), IZ(11, "terminating"),
};
static const struct pb_field f_JobTemplateSpec[] = {
        M(1, "metadata", ObjectMeta), M(2, "spec", JobSpec),
};
static const struct pb_field f_KeyToPath[] = {
        S(1, "key"), S(2, "path"), IZ(3, "mode"),
};
static const struct pb_field f_LabelSelector[] = {
        MAPS(1, "matchLabels"), RM(2, "matchExpressions", LabelSelectorRequirement),
};
static const struct pb_field f_LabelSelectorRequirement[] = {
        S(1, "key"), S(2, "operator"), RS(3, "values"),
};
static const struct pb_field f_Lifecycle[] = {
        M(1, "postStart", LifecycleHandler), M(2, "preStop", LifecycleHandler),
};
static const struct pb_field f_LifecycleHandler[] = {
        M(1, "exec", ExecAction), M(2, "httpGet", HTTPGetAction),
        M(3, "tcpSocket", TCPSocketAction), M(4, "sleep", SleepAction),
};
static const struct pb_field f_LinuxContainerUser[] = {
        IZ(1, "uid"), IZ(2, "gid"), RI(3, "supplementalGroups"),
};
static const struct pb_field f_LocalObjectReference[] = {
        S(1, "name"),
};
static const struct pb_field f_ManagedFieldsEntry[] = {
        S(1, "manager"), S(2, "operation"), S(3, "apiVersion"), T(4, "time"),
        S(6, "fieldsType"), RAW(7, "fieldsV1"), S(8, "subresource"),
};
static const struct pb_field f_NFSVolumeSource[] = {
        S(1, "server"), S(2, "path"), B(3, "readOnly"),
};
static const struct pb_field f_Namespace[] = {
        M(1, "metadata", ObjectMeta), M(2, "spec", NamespaceSpec),
        M(3, "status", NamespaceStatus),
};
static const struct pb_field f_NamespaceCondition[] = {
        S(1, "type"), S(2, "status"), T(4, "lastTransitionTime"), S(5, "reason"),
        S(6, "message"),
};
static const struct pb_field f_NamespaceSpec[] = {
        RS(1, "finalizers"),
};
static const struct pb_field f_NamespaceStatus[] = {
        S(1, "phase"), RM(2, "conditions", NamespaceCondition),
};
static const struct pb_field f_NodeAffinity[] = {
        M(1, "requiredDuringSchedulingIgnoredDuringExecution", NodeSelector),
        RM(2, "preferredDuringSchedulingIgnoredDuringExecution", PreferredSchedulingTerm),
};
static const struct pb_field f_NodeSelector[] = {
        RM(1, "nodeSelectorTerms", NodeSelectorTerm),
};
static const struct pb_field f_NodeSelectorRequirement[] = {
        S(1, "key"), S(2, "operator"), RS(3, "values"),
};
static const struct pb_field f_NodeSelectorTerm[] = {
        RM(1, "matchExpressions", NodeSelectorRequirement),
        RM(2, "matchFields", NodeSelectorRequirement),
};
static const struct pb_field f_ObjectFieldSelector[] = {
        S(1, "apiVersion"), S(2, "fieldPath"),
};
static const struct pb_field f_ObjectMeta[] = {
        S(1, "name"), S(2, "generateName"), S(3, "namespace"), S(4, "selfLink"), S(5, "uid"),
        S(6, "resourceVersion"), I(7, "generation"), T(8, "creationTimestamp"),
        T(9, "deletionTimestamp"), IZ(10, "deletionGracePeriodSeconds"), MAPS(11, "labels"),
        MAPS(12, "annotations"), RM(13, "ownerReferences", OwnerReference),
        RS(14, "finalizers"), RM(17, "managedFields", ManagedFieldsEntry),
};
static const struct pb_field f_ObjectReference[] = {
        S(1, "kind"), S(2, "namespace"), S(3, "name"), S(4, "uid"), S(5, "apiVersion"),
        S(6, "resourceVersion"), S(7, "fieldPath"),
};
static const struct pb_field f_OwnerReference[] = {
        S(1, "kind"), S(3, "name"), S(4, "uid"), S(5, "apiVersion"), BZ(6, "controller"),
        BZ(7, "blockOwnerDeletion"),
};
static const struct pb_field f_PersistentVolumeClaimSpec[] = {
        RS(1, "accessModes"), M(2, "resources", VolumeResourceRequirements), S(3, "volumeName"),
        M(4, "selector", LabelSelector), SZ(5, "storageClassName"), SZ(6, "volumeMode"),
        M(7, "dataSource", TypedLocalObjectReference),
        M(8, "dataSourceRef", TypedObjectReference), SZ(9, "volumeAttributesClassName"),
};
static const struct pb_field f_PersistentVolumeClaimTemplate[] = {
        M(1, "metadata", ObjectMeta), M(2, "spec", PersistentVolumeClaimSpec),
};
static const struct pb_field f_PersistentVolumeClaimVolumeSource[] = {
        S(1, "claimName"), B(2, "readOnly"),
};
static const struct pb_field f_PhotonPersistentDiskVolumeSource[] = {
        S(1, "pdID"), S(2, "fsType"),
};
static const struct pb_field f_Pod[] = {
        M(1, "metadata", ObjectMeta), M(2, "spec", PodSpec), M(3, "status", PodStatus),
};
static const struct pb_field f_PodAffinity[] = {
        RM(1, "requiredDuringSchedulingIgnoredDuringExecution", PodAffinityTerm),
        RM(2, "preferredDuringSchedulingIgnoredDuringExecution", WeightedPodAffinityTerm),
};
static const struct pb_field f_PodAffinityTerm[] = {
        M(1, "labelSelector", LabelSelector), RS(2, "namespaces"), S(3, "topologyKey"),
        M(4, "namespaceSelector", LabelSelector), RS(5, "matchLabelKeys"),
        RS(6, "mismatchLabelKeys"),
};
static const struct pb_field f_PodAntiAffinity[] = {
        RM(1, "requiredDuringSchedulingIgnoredDuringExecution", PodAffinityTerm),
        RM(2, "preferredDuringSchedulingIgnoredDuringExecution", WeightedPodAffinityTerm),
};
static const struct pb_field f_PodCondition[] = {
        S(1, "type"), S(2, "status"), T(3, "lastProbeTime"), T(4, "lastTransitionTime"),
        S(5, "reason"), S(6, "message"),
};
static const struct pb_field f_PodDNSConfig[] = {
        RS(1, "nameservers"), RS(2, "searches"), RM(3, "options", PodDNSConfigOption),
};
static const struct pb_field f_PodDNSConfigOption[] = {
        S(1, "name"), SZ(2, "value"),
};
static const struct pb_field f_PodFailurePolicy[] = {
        RM(1, "rules", PodFailurePolicyRule),
};
static const struct pb_field f_PodFailurePolicyOnExitCodesRequirement[] = {
        SZ(1, "containerName"), S(2, "operator"), RI(3, "values"),
};
static const struct pb_field f_PodFailurePolicyOnPodConditionsPattern[] = {
        S(1, "type"), S(2, "status"),
};
static const struct pb_field f_PodFailurePolicyRule[] = {
        S(1, "action"), M(2, "onExitCodes", PodFailurePolicyOnExitCodesRequirement),
        RM(3, "onPodConditions", PodFailurePolicyOnPodConditionsPattern),
};
static const struct pb_field f_PodIP[] = {
        S(1, "ip"),
};
static const struct pb_field f_PodOS[] = {
        S(1, "name"),
};
static const struct pb_field f_PodReadinessGate[] = {
        S(1, "conditionType"),
};
static const struct pb_field f_PodResourceClaim[] = {
        S(1, "name"), SZ(3, "resourceClaimName"), SZ(4, "resourceClaimTemplateName"),
};
static const struct pb_field f_PodResourceClaimStatus[] = {
        S(1, "name"), SZ(2, "resourceClaimName"),
};
static const struct pb_field f_PodSchedulingGate[] = {
        S(1, "name"),
};
static const struct pb_field f_PodSecurityContext[] = {
        M(1, "seLinuxOptions", SELinuxOptions), IZ(2, "runAsUser"), BZ(3, "runAsNonRoot"),
        RI(4, "supplementalGroups"), IZ(5, "fsGroup"), IZ(6, "runAsGroup"),
        RM(7, "sysctls", Sysctl), M(8, "windowsOptions", WindowsSecurityContextOptions),
        SZ(9, "fsGroupChangePolicy"), M(10, "seccompProfile", SeccompProfile),
        M(11, "appArmorProfile", AppArmorProfile), SZ(12, "supplementalGroupsPolicy"),
        SZ(13, "seLinuxChangePolicy"),
};
static const struct pb_field f_PodSpec[] = {
        RM(1, "volumes", Volume), RM(2, "containers", Container), S(3, "restartPolicy"),
        IZ(4, "terminationGracePeriodSeconds"), IZ(5, "activeDeadlineSeconds"),
        S(6, "dnsPolicy"), MAPS(7, "nodeSelector"), S(8, "serviceAccountName"),
        S(9, "serviceAccount"), S(10, "nodeName"), B(11, "hostNetwork"), B(12, "hostPID"),
        B(13, "hostIPC"), M(14, "securityContext", PodSecurityContext),
        RM(15, "imagePullSecrets", LocalObjectReference), S(16, "hostname"), S(17, "subdomain"),
        M(18, "affinity", Affinity), S(19, "schedulerName"),
        RM(20, "initContainers", Container), BZ(21, "automountServiceAccountToken"),
        RM(22, "tolerations", Toleration), RM(23, "hostAliases", HostAlias),
        S(24, "priorityClassName"), IZ(25, "priority"), M(26, "dnsConfig", PodDNSConfig),
        BZ(27, "shareProcessNamespace"), RM(28, "readinessGates", PodReadinessGate),
        SZ(29, "runtimeClassName"), BZ(30, "enableServiceLinks"), SZ(31, "preemptionPolicy"),
        MAPQ(32, "overhead"), RM(33, "topologySpreadConstraints", TopologySpreadConstraint),
        RM(34, "ephemeralContainers", EphemeralContainer), BZ(35, "setHostnameAsFQDN"),
        M(36, "os", PodOS), BZ(37, "hostUsers"), RM(38, "schedulingGates", PodSchedulingGate),
        RM(39, "resourceClaims", PodResourceClaim), M(40, "resources", ResourceRequirements),
};
static const struct pb_field f_PodStatus[] = {
        S(1, "phase"), RM(2, "conditions", PodCondition), S(3, "message"), S(4, "reason"),
        S(5, "hostIP"), S(6, "podIP"), T(7, "startTime"),
        RM(8, "containerStatuses", ContainerStatus), S(9, "qosClass"),
        RM(10, "initContainerStatuses", ContainerStatus), S(11, "nominatedNodeName"),
        RM(12, "podIPs", PodIP), RM(13, "ephemeralContainerStatuses", ContainerStatus),
        S(14, "resize"), RM(15, "resourceClaimStatuses", PodResourceClaimStatus),
        RM(16, "hostIPs", HostIP),
};
static const struct pb_field f_PodTemplateSpec[] = {
        M(1, "metadata", ObjectMeta), M(2, "spec", PodSpec),
};
static const struct pb_field f_PortworxVolumeSource[] = {
        S(1, "volumeID"), S(2, "fsType"), B(3, "readOnly"),
};
static const struct pb_field f_PreferredSchedulingTerm[] = {
        IZ(1, "weight"), M(2, "preference", NodeSelectorTerm),
};
static const struct pb_field f_Probe[] = {
        INL(1, ProbeHandler), I(2, "initialDelaySeconds"), I(3, "timeoutSeconds"),
        I(4, "periodSeconds"), I(5, "successThreshold"), I(6, "failureThreshold"),
        IZ(7, "terminationGracePeriodSeconds"),
};
static const struct pb_field f_ProbeHandler[] = {
        M(1, "exec", ExecAction), M(2, "httpGet", HTTPGetAction),
        M(3, "tcpSocket", TCPSocketAction), M(4, "grpc", GRPCAction),
};
static const struct pb_field f_ProjectedVolumeSource[] = {
        RM(1, "sources", VolumeProjection), IZ(2, "defaultMode"),
};
static const struct pb_field f_QuobyteVolumeSource[] = {
        S(1, "registry"), S(2, "volume"), B(3, "readOnly"), S(4, "user"), S(5, "group"),
        S(6, "tenant"),
};
static const struct pb_field f_RBDVolumeSource[] = {
        RS(1, "monitors"), S(2, "image"), S(3, "fsType"), S(4, "pool"), S(5, "user"),
        S(6, "keyring"), M(7, "secretRef", LocalObjectReference), B(8, "readOnly"),
};
static const struct pb_field f_ResourceClaim[] = {
        S(1, "name"), S(2, "request"),
};
static const struct pb_field f_ResourceFieldSelector[] = {
        S(1, "containerName"), S(2, "resource"), Q(3, "divisor"),
};
static const struct pb_field f_ResourceHealth[] = {
        S(1, "resourceID"), S(2, "health"),
};
static const struct pb_field f_ResourceRequirements[] = {
        MAPQ(1, "limits"), MAPQ(2, "requests"), RM(3, "claims", ResourceClaim),
};
static const struct pb_field f_ResourceStatus[] = {
        S(1, "name"), RM(2, "resources", ResourceHealth),
};
static const struct pb_field f_SELinuxOptions[] = {
        S(1, "user"), S(2, "role"), S(3, "type"), S(4, "level"),
};
static const struct pb_field f_ScaleIOVolumeSource[] = {
        S(1, "gateway"), S(2, "system"), M(3, "secretRef", LocalObjectReference),
        B(4, "sslEnabled"), S(5, "protectionDomain"), S(6, "storagePool"), S(7, "storageMode"),
        S(8, "volumeName"), S(9, "fsType"), B(10, "readOnly"),
};
static const struct pb_field f_SeccompProfile[] = {
        S(1, "type"), SZ(2, "localhostProfile"),
};
static const struct pb_field f_Secret[] = {
        M(1, "metadata", ObjectMeta), MAPY(2, "data"), S(3, "type"), MAPS(4, "stringData"),
        BZ(5, "immutable"),
};
static const struct pb_field f_SecretEnvSource[] = {
        INL(1, LocalObjectReference), BZ(2, "optional"),
};
static const struct pb_field f_SecretKeySelector[] = {
        INL(1, LocalObjectReference), S(2, "key"), BZ(3, "optional"),
};
static const struct pb_field f_SecretProjection[] = {
        INL(1, LocalObjectReference), RM(2, "items", KeyToPath), BZ(4, "optional"),
};
static const struct pb_field f_SecretVolumeSource[] = {
        S(1, "secretName"), RM(2, "items", KeyToPath), IZ(3, "defaultMode"), BZ(4, "optional"),
};
static const struct pb_field f_SecurityContext[] = {
        M(1, "capabilities", Capabilities), BZ(2, "privileged"),
        M(3, "seLinuxOptions", SELinuxOptions), IZ(4, "runAsUser"), BZ(5, "runAsNonRoot"),
        BZ(6, "readOnlyRootFilesystem"), BZ(7, "allowPrivilegeEscalation"), IZ(8, "runAsGroup"),
        SZ(9, "procMount"), M(10, "windowsOptions", WindowsSecurityContextOptions),
        M(11, "seccompProfile", SeccompProfile), M(12, "appArmorProfile", AppArmorProfile),
};
static const struct pb_field f_ServiceAccountTokenProjection[] = {
        S(1, "audience"), IZ(2, "expirationSeconds"), S(3, "path"),
};
static const struct pb_field f_SleepAction[] = {
        IZ(1, "seconds"),
};
static const struct pb_field f_StorageOSVolumeSource[] = {
        S(1, "volumeName"), S(2, "volumeNamespace"), S(3, "fsType"), B(4, "readOnly"),
        M(5, "secretRef", LocalObjectReference),
};
static const struct pb_field f_SuccessPolicy[] = {
        RM(1, "rules", SuccessPolicyRule),
};
static const struct pb_field f_SuccessPolicyRule[] = {
        SZ(1, "succeededIndexes"), IZ(2, "succeededCount"),
};
static const struct pb_field f_Sysctl[] = {
        S(1, "name"), S(2, "value"),
};
static const struct pb_field f_TCPSocketAction[] = {
        IOS(1, "port"), S(2, "host"),
};
static const struct pb_field f_Toleration[] = {
        S(1, "key"), S(2, "operator"), S(3, "value"), S(4, "effect"),
        IZ(5, "tolerationSeconds"),
};
static const struct pb_field f_TopologySpreadConstraint[] = {
        IZ(1, "maxSkew"), S(2, "topologyKey"), S(3, "whenUnsatisfiable"),
        M(4, "labelSelector", LabelSelector), IZ(5, "minDomains"), SZ(6, "nodeAffinityPolicy"),
        SZ(7, "nodeTaintsPolicy"), RS(8, "matchLabelKeys"),
};
static const struct pb_field f_TypedLocalObjectReference[] = {
        SZ(1, "apiGroup"), S(2, "kind"), S(3, "name"),
};
static const struct pb_field f_TypedObjectReference[] = {
        SZ(1, "apiGroup"), S(2, "kind"), S(3, "name"), SZ(4, "namespace"),
};
static const struct pb_field f_UncountedTerminatedPods[] = {
        RS(1, "succeeded"), RS(2, "failed"),
};
static const struct pb_field f_Volume[] = {
        S(1, "name"), INL(2, VolumeSource),
};
static const struct pb_field f_VolumeDevice[] = {
        S(1, "name"), S(2, "devicePath"),
};
static const struct pb_field f_VolumeMount[] = {
        S(1, "name"), B(2, "readOnly"), S(3, "mountPath"), S(4, "subPath"),
        SZ(5, "mountPropagation"), S(6, "subPathExpr"), SZ(7, "recursiveReadOnly"),
};
static const struct pb_field f_VolumeMountStatus[] = {
        S(1, "name"), S(2, "mountPath"), B(3, "readOnly"), SZ(4, "recursiveReadOnly"),
};
static const struct pb_field f_VolumeProjection[] = {
        M(1, "secret", SecretProjection), M(2, "downwardAPI", DownwardAPIProjection),
        M(3, "configMap", ConfigMapProjection),
        M(4, "serviceAccountToken", ServiceAccountTokenProjection),
        M(5, "clusterTrustBundle", ClusterTrustBundleProjection),
};
static const struct pb_field f_VolumeResourceRequirements[] = {
        MAPQ(1, "limits"), MAPQ(2, "requests"),
};
static const struct pb_field f_VolumeSource[] = {
        M(1, "hostPath", HostPathVolumeSource), M(2, "emptyDir", EmptyDirVolumeSource),
        M(3, "gcePersistentDisk", GCEPersistentDiskVolumeSource),
        M(4, "awsElasticBlockStore", AWSElasticBlockStoreVolumeSource),
        M(5, "gitRepo", GitRepoVolumeSource), M(6, "secret", SecretVolumeSource),
        M(7, "nfs", NFSVolumeSource), M(8, "iscsi", ISCSIVolumeSource),
        M(9, "glusterfs", GlusterfsVolumeSource),
        M(10, "persistentVolumeClaim", PersistentVolumeClaimVolumeSource),
        M(11, "rbd", RBDVolumeSource), M(12, "flexVolume", FlexVolumeSource),
        M(13, "cinder", CinderVolumeSource), M(14, "cephfs", CephFSVolumeSource),
        M(15, "flocker", FlockerVolumeSource), M(16, "downwardAPI", DownwardAPIVolumeSource),
        M(17, "fc", FCVolumeSource), M(18, "azureFile", AzureFileVolumeSource),
        M(19, "configMap", ConfigMapVolumeSource),
        M(20, "vsphereVolume", VsphereVirtualDiskVolumeSource),
        M(21, "quobyte", QuobyteVolumeSource), M(22, "azureDisk", AzureDiskVolumeSource),
        M(23, "photonPersistentDisk", PhotonPersistentDiskVolumeSource),
        M(24, "portworxVolume", PortworxVolumeSource), M(25, "scaleIO", ScaleIOVolumeSource),
        M(26, "projected", ProjectedVolumeSource), M(27, "storageos", StorageOSVolumeSource),
        M(28, "csi", CSIVolumeSource), M(29, "ephemeral", EphemeralVolumeSource),
        M(30, "image", ImageVolumeSource),
};
static const struct pb_field f_VsphereVirtualDiskVolumeSource[] = {
        S(1, "volumePath"), S(2, "fsType"), S(3, "storagePolicyName"), S(4, "storagePolicyID"),
};
static const struct pb_field f_WeightedPodAffinityTerm[] = {
        IZ(1, "weight"), M(2, "podAffinityTerm", PodAffinityTerm),
};
static const struct pb_field f_WindowsSecurityContextOptions[] = {
        SZ(1, "gmsaCredentialSpecName"), SZ(2, "gmsaCredentialSpec"), SZ(3, "runAsUserName"),
        BZ(4, "hostProcess"),
};

static const struct pb_msg pb_msgs[PBM__COUNT] = {
        MSG(AWSElasticBlockStoreVolumeSource),
        MSG(Affinity),
        MSG(AppArmorProfile),
        MSG(AzureDiskVolumeSource),
        MSG(AzureFileVolumeSource),
        MSG(CSIVolumeSource),
        MSG(Capabilities),
        MSG(CephFSVolumeSource),
        MSG(CinderVolumeSource),
        MSG(ClusterTrustBundleProjection),
        MSG(ConfigMap),
        MSG(ConfigMapEnvSource),
        MSG(ConfigMapKeySelector),
        MSG(ConfigMapProjection),
        MSG(ConfigMapVolumeSource),
        MSG(Container),
        MSG(ContainerPort),
        MSG(ContainerResizePolicy),
        MSG(ContainerState),
        MSG(ContainerStateRunning),
        MSG(ContainerStateTerminated),
        MSG(ContainerStateWaiting),
        MSG(ContainerStatus),
        MSG(ContainerUser),
        MSG(CronJob),
        MSG(CronJobSpec),
        MSG(CronJobStatus),
        MSG(DownwardAPIProjection),
        MSG(DownwardAPIVolumeFile),
        MSG(DownwardAPIVolumeSource),
        MSG(EmptyDirVolumeSource),
        MSG(EnvFromSource),
        MSG(EnvVar),
        MSG(EnvVarSource),
        MSG(EphemeralContainer),
        MSG(EphemeralVolumeSource),
        MSG(ExecAction),
        MSG(FCVolumeSource),
        MSG(FlexVolumeSource),
        MSG(FlockerVolumeSource),
        MSG(GCEPersistentDiskVolumeSource),
        MSG(GRPCAction),
        MSG(GitRepoVolumeSource),
        MSG(GlusterfsVolumeSource),
        MSG(HTTPGetAction),
        MSG(HTTPHeader),
        MSG(HostAlias),
        MSG(HostIP),
        MSG(HostPathVolumeSource),
        MSG(ISCSIVolumeSource),
        MSG(ImageVolumeSource),
        MSG(Job),
        MSG(JobCondition),
        MSG(JobSpec),
        MSG(JobStatus),
        MSG(JobTemplateSpec),
        MSG(KeyToPath),
        MSG(LabelSelector),
        MSG(LabelSelectorRequirement),
        MSG(Lifecycle),
        MSG(LifecycleHandler),
        MSG(LinuxContainerUser),
        MSG(LocalObjectReference),
        MSG(ManagedFieldsEntry),
        MSG(NFSVolumeSource),
        MSG(Namespace),
        MSG(NamespaceCondition),
        MSG(NamespaceSpec),
        MSG(NamespaceStatus),
        MSG(NodeAffinity),
        MSG(NodeSelector),
        MSG(NodeSelectorRequirement),
        MSG(NodeSelectorTerm),
        MSG(ObjectFieldSelector),
        MSG(ObjectMeta),
        MSG(ObjectReference),
        MSG(OwnerReference),
        MSG(PersistentVolumeClaimSpec),
        MSG(PersistentVolumeClaimTemplate),
        MSG(PersistentVolumeClaimVolumeSource),
        MSG(PhotonPersistentDiskVolumeSource),
        MSG(Pod),
        MSG(PodAffinity),
        MSG(PodAffinityTerm),
        MSG(PodAntiAffinity),
        MSG(PodCondition),
        MSG(PodDNSConfig),
        MSG(PodDNSConfigOption),
        MSG(PodFailurePolicy),
        MSG(PodFailurePolicyOnExitCodesRequirement),
        MSG(PodFailurePolicyOnPodConditionsPattern),
        MSG(PodFailurePolicyRule),
        MSG(PodIP),
        MSG(PodOS),
        MSG(PodReadinessGate),
        MSG(PodResourceClaim),
        MSG(PodResourceClaimStatus),
        MSG(PodSchedulingGate),
        MSG(PodSecurityContext),
        MSG(PodSpec),
        MSG(PodStatus),
        MSG(PodTemplateSpec),
        MSG(PortworxVolumeSource),
        MSG(PreferredSchedulingTerm),
        MSG(Probe),
        MSG(ProbeHandler),
        MSG(ProjectedVolumeSource),
        MSG(QuobyteVolumeSource),
        MSG(RBDVolumeSource),
        MSG(ResourceClaim),
        MSG(ResourceFieldSelector),
        MSG(ResourceHealth),
        MSG(ResourceRequirements),
        MSG(ResourceStatus),
        MSG(SELinuxOptions),
        MSG(ScaleIOVolumeSource),
        MSG(SeccompProfile),
        MSG(Secret),
        MSG(SecretEnvSource),
        MSG(SecretKeySelector),
        MSG(SecretProjection),
        MSG(SecretVolumeSource),
        MSG(SecurityContext),
        MSG(ServiceAccountTokenProjection),
        MSG(SleepAction),
        MSG(StorageOSVolumeSource),
        MSG(SuccessPolicy),
        MSG(SuccessPolicyRule),
        MSG(Sysctl),
        MSG(TCPSocketAction),
        MSG(Toleration),
        MSG(TopologySpreadConstraint),
        MSG(TypedLocalObjectReference),
        MSG(TypedObjectReference),
        MSG(UncountedTerminatedPods),
        MSG(Volume),
        MSG(VolumeDevice),
        MSG(VolumeMount),
        MSG(VolumeMountStatus),
        MSG(VolumeProjection),
        MSG(VolumeResourceRequirements),
        MSG(VolumeSource),
        MSG(VsphereVirtualDiskVolumeSource),
        MSG(WeightedPodAffinityTerm),
        MSG(WindowsSecurityContextOptions),
};

/* clang-format on */

#undef PBF
#undef S
#undef SZ
#undef I
#undef IZ
#undef B
#undef BZ
#undef Y
#undef T
#undef Q
#undef IOS
#undef RAW
#undef M
#undef INL
#undef RS
#undef RI
#undef RM
#undef MAPS
#undef MAPY
#undef MAPQ
#undef MSG

/* ---- wire reading --------------------------------------------------------------------- */

struct pb_ctx {
        char *err;
        size_t errlen;
        size_t values;       /* JSON values produced so far */
        size_t string_bytes; /* bytes of string content produced so far */
};

struct pb_reader {
        const uint8_t *p, *end;
};

/* One decoded field of the wire: a varint / fixed value, or a length-delimited slice. */
struct pb_wire {
        uint32_t num;
        unsigned wt;
        uint64_t v;
        const uint8_t *data;
        size_t len;
};

static int pb_fail(struct pb_ctx *c, const char *fmt, ...) _printf_(2, 3);
static int pb_fail(struct pb_ctx *c, const char *fmt, ...)
{
        if (!c->err || !c->errlen)
                return -EBADMSG;
        va_list ap;
        va_start(ap, fmt);
        int n = snprintf(c->err, c->errlen, "protobuf: ");
        if (n >= 0 && (size_t)n < c->errlen)
                vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
        va_end(ap);
        return -EBADMSG;
}

static int pb_varint(struct pb_ctx *c, struct pb_reader *r, uint64_t *ret, const char *where)
{
        uint64_t v = 0;
        for (unsigned i = 0; i < 10; i++) {
                if (r->p >= r->end)
                        return pb_fail(c, "truncated varint in %s", where);
                uint8_t b = *r->p++;
                if (i == 9 && b > 1)
                        return pb_fail(c, "varint overflows 64 bits in %s", where);
                v |= (uint64_t)(b & 0x7f) << (7 * i);
                if (!(b & 0x80)) {
                        *ret = v;
                        return 0;
                }
        }
        return pb_fail(c, "varint longer than 10 bytes in %s", where);
}

/* Read the next field of a message; 0 and *w filled, or a negative error. */
static int pb_next(struct pb_ctx *c, struct pb_reader *r, struct pb_wire *w, const char *where)
{
        uint64_t key;
        int ret = pb_varint(c, r, &key, where);
        if (ret < 0)
                return ret;
        if (key >> 3 == 0 || key >> 3 > 0x1fffffff)
                return pb_fail(c, "invalid field number %llu in %s", (unsigned long long)(key >> 3),
                               where);
        *w = (struct pb_wire){.num = (uint32_t)(key >> 3), .wt = (unsigned)(key & 7)};
        size_t left = (size_t)(r->end - r->p);
        switch (w->wt) {
        case 0:
                return pb_varint(c, r, &w->v, where);
        case 1:
        case 5: {
                size_t n = w->wt == 1 ? 8 : 4;
                if (left < n)
                        return pb_fail(c, "truncated fixed%zu field %u in %s", n * 8, w->num,
                                       where);
                for (size_t i = 0; i < n; i++)
                        w->v |= (uint64_t)r->p[i] << (8 * i);
                r->p += n;
                return 0;
        }
        case 2: {
                uint64_t n;
                ret = pb_varint(c, r, &n, where);
                if (ret < 0)
                        return ret;
                left = (size_t)(r->end - r->p);
                if (n > left)
                        return pb_fail(
                            c, "truncated length-delimited field %u in %s (%llu bytes, %zu left)",
                            w->num, where, (unsigned long long)n, left);
                w->data = r->p;
                w->len = (size_t)n;
                r->p += n;
                return 0;
        }
        case 3:
        case 4:
                return pb_fail(c, "unsupported wire type %u (group) for field %u in %s", w->wt,
                               w->num, where);
        default:
                return pb_fail(c, "invalid wire type %u for field %u in %s", w->wt, w->num, where);
        }
}

/* ---- JSON values ------------------------------------------------------------------------ */

static int pb_charge(struct pb_ctx *c, size_t values, size_t bytes)
{
        c->values += values;
        c->string_bytes += bytes;
        if (c->values > PB_MAX_VALUES || c->string_bytes > PB_MAX_STRING_BYTES)
                return pb_fail(c, "decoded object exceeds %u values or %u bytes of strings",
                               PB_MAX_VALUES, PB_MAX_STRING_BYTES);
        return 0;
}

static int pb_string(struct pb_ctx *c, const uint8_t *d, size_t n, const char *where, json_t **ret)
{
        int r = pb_charge(c, 1, n);
        if (r < 0)
                return r;
        if (memchr(d, 0, n))
                return pb_fail(c, "NUL byte in string %s", where);
        json_t *s = json_stringn((const char *)d, n);
        if (!s)
                return pb_fail(c, "invalid UTF-8 in string %s", where);
        *ret = s;
        return 0;
}

static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int pb_base64(struct pb_ctx *c, const uint8_t *d, size_t n, json_t **ret)
{
        size_t outlen = (n + 2) / 3 * 4;
        int r = pb_charge(c, 1, outlen);
        if (r < 0)
                return r;
        _cleanup_free_ char *o = xmalloc(outlen + 1);
        size_t j = 0;
        for (size_t i = 0; i < n; i += 3) {
                uint32_t v = (uint32_t)d[i] << 16;
                if (i + 1 < n)
                        v |= (uint32_t)d[i + 1] << 8;
                if (i + 2 < n)
                        v |= d[i + 2];
                o[j++] = b64chars[(v >> 18) & 63];
                o[j++] = b64chars[(v >> 12) & 63];
                o[j++] = i + 1 < n ? b64chars[(v >> 6) & 63] : '=';
                o[j++] = i + 2 < n ? b64chars[v & 63] : '=';
        }
        *ret = json_stringn(o, j);
        return 0;
}

/* Go's zero time (0001-01-01T00:00:00Z) marshals as null, as does an empty message. */
#define PB_GO_ZERO_TIME (-62135596800LL)
#define PB_MIN_TIME (-62167219200LL) /* 0000-01-01T00:00:00Z: Go refuses years outside [0,9999] */
#define PB_MAX_TIME 253402300799LL   /* 9999-12-31T23:59:59Z */

static int pb_time(struct pb_ctx *c, const struct pb_wire *w, const char *where, json_t **ret)
{
        struct pb_reader r = {w->data, w->data + w->len};
        int64_t secs = 0;
        bool any = false;
        while (r.p < r.end) {
                struct pb_wire f;
                int e = pb_next(c, &r, &f, "Time");
                if (e < 0)
                        return e;
                if (f.num == 1 || f.num == 2) {
                        if (f.wt != 0)
                                return pb_fail(c, "wrong wire type %u for Time field %u in %s",
                                               f.wt, f.num, where);
                        if (f.num == 1)
                                secs = (int64_t)f.v;
                        any = true; /* nanos: Time's JSON form has second precision */
                }
        }
        *ret = NULL;
        if (!any || secs == PB_GO_ZERO_TIME)
                return 0;
        if (secs < PB_MIN_TIME || secs > PB_MAX_TIME)
                return pb_fail(c, "time %lld out of range in %s", (long long)secs, where);
        time_t t = (time_t)secs;
        struct tm tm;
        if (!gmtime_r(&t, &tm))
                return pb_fail(c, "time %lld out of range in %s", (long long)secs, where);
        char s[64];
        snprintf(s, sizeof(s), "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
        int e = pb_charge(c, 1, strlen(s));
        if (e < 0)
                return e;
        *ret = json_string(s);
        return 0;
}

static int pb_quantity(struct pb_ctx *c, const uint8_t *d, size_t n, const char *where,
                       json_t **ret)
{
        struct pb_reader r = {d, d + n};
        const uint8_t *s = NULL;
        size_t slen = 0;
        while (r.p < r.end) {
                struct pb_wire f;
                int e = pb_next(c, &r, &f, "Quantity");
                if (e < 0)
                        return e;
                if (f.num != 1)
                        continue;
                if (f.wt != 2)
                        return pb_fail(c, "wrong wire type %u for Quantity in %s", f.wt, where);
                s = f.data, slen = f.len;
        }
        if (!s || slen == 0) /* the zero Quantity prints as "0" */
                s = (const uint8_t *)"0", slen = 1;
        return pb_string(c, s, slen, where, ret);
}

static int pb_intorstring(struct pb_ctx *c, const struct pb_wire *w, const char *where,
                          json_t **ret)
{
        struct pb_reader r = {w->data, w->data + w->len};
        uint64_t type = 0, ival = 0;
        const uint8_t *s = (const uint8_t *)"";
        size_t slen = 0;
        while (r.p < r.end) {
                struct pb_wire f;
                int e = pb_next(c, &r, &f, "IntOrString");
                if (e < 0)
                        return e;
                if (f.num > 3)
                        continue;
                if (f.wt != (f.num == 3 ? 2u : 0u))
                        return pb_fail(c, "wrong wire type %u for IntOrString field %u in %s", f.wt,
                                       f.num, where);
                if (f.num == 1)
                        type = f.v;
                else if (f.num == 2)
                        ival = f.v;
                else
                        s = f.data, slen = f.len;
        }
        if (type == 1)
                return pb_string(c, s, slen, where, ret);
        if (type != 0)
                return pb_fail(c, "invalid IntOrString type %llu in %s", (unsigned long long)type,
                               where);
        int e = pb_charge(c, 1, 0);
        if (e < 0)
                return e;
        *ret = json_integer((int32_t)(uint32_t)ival); /* intVal is an int32 */
        return 0;
}

static int pb_rawjson(struct pb_ctx *c, const struct pb_wire *w, const char *where, int depth,
                      json_t **ret)
{
        struct pb_reader r = {w->data, w->data + w->len};
        const uint8_t *raw = NULL;
        size_t rawlen = 0;
        while (r.p < r.end) {
                struct pb_wire f;
                int e = pb_next(c, &r, &f, "FieldsV1");
                if (e < 0)
                        return e;
                if (f.num != 1)
                        continue;
                if (f.wt != 2)
                        return pb_fail(c, "wrong wire type %u for FieldsV1 in %s", f.wt, where);
                raw = f.data, rawlen = f.len;
        }
        *ret = NULL;
        if (!raw || rawlen == 0)
                return 0;
        /* A JSON text of n bytes holds at most about n/2 values. */
        int e = pb_charge(c, rawlen / 2 + 1, rawlen);
        if (e < 0)
                return e;
        /* Each message level above may also have opened a list: leave room for both, so
         * the decoded object always parses again under JSON_MAX_DEPTH. */
        char jerr[160];
        int maxd = JSON_MAX_DEPTH - 2 * depth;
        *ret = jparse((const char *)raw, rawlen, maxd > 1 ? maxd : 1, jerr, sizeof(jerr));
        if (!*ret)
                return pb_fail(c, "invalid JSON in %s: %s", where, jerr);
        return 0;
}

/* ---- messages --------------------------------------------------------------------------- */

static int pb_message(struct pb_ctx *c, unsigned id, const uint8_t *d, size_t n, json_t *obj,
                      int depth);

static const struct pb_field *pb_lookup(const struct pb_msg *m, uint32_t num)
{
        for (size_t i = 0; i < m->nfields; i++)
                if (m->fields[i].num == num)
                        return &m->fields[i];
        return NULL;
}

/* The JSON value of one non-repeated occurrence (or one list element / map value).  A
 * NULL result with 0 means "no value" (empty Time / FieldsV1). */
static int pb_value(struct pb_ctx *c, const struct pb_field *f, const struct pb_wire *w,
                    const char *where, int depth, json_t **ret)
{
        *ret = NULL;
        switch (f->type) {
        case PB_STRING:
                return pb_string(c, w->data, w->len, where, ret);
        case PB_BYTES:
                return pb_base64(c, w->data, w->len, ret);
        case PB_INT: {
                int e = pb_charge(c, 1, 0);
                if (e < 0)
                        return e;
                *ret = json_integer((json_int_t)(int64_t)w->v);
                return 0;
        }
        case PB_BOOL: {
                int e = pb_charge(c, 1, 0);
                if (e < 0)
                        return e;
                *ret = json_boolean(w->v != 0);
                return 0;
        }
        case PB_TIME:
                return pb_time(c, w, where, ret);
        case PB_QTY:
                return pb_quantity(c, w->data, w->len, where, ret);
        case PB_IOS:
                return pb_intorstring(c, w, where, ret);
        case PB_RAW:
                return pb_rawjson(c, w, where, depth, ret);
        case PB_MESSAGE: {
                int e = pb_charge(c, 1, 0);
                if (e < 0)
                        return e;
                _cleanup_json_ json_t *o = json_object();
                e = pb_message(c, f->msg, w->data, w->len, o, depth + 1);
                if (e < 0)
                        return e;
                *ret = TAKE_PTR(o);
                return 0;
        }
        }
        return pb_fail(c, "internal: bad schema type for %s", where);
}

static bool pb_is_zero(const json_t *v)
{
        switch (json_typeof(v)) {
        case JSON_STRING:
                return json_string_length(v) == 0;
        case JSON_INTEGER:
                return json_integer_value(v) == 0;
        case JSON_FALSE:
                return true;
        default:
                return false;
        }
}

/* Scalar types travel as varints, the rest length-delimited. */
static unsigned pb_wire_type(unsigned type)
{
        return type == PB_INT || type == PB_BOOL ? 0 : 2;
}

/* map<string,T>: one {1:key,2:value} entry into the object at obj[f->name]. */
static int pb_map_entry(struct pb_ctx *c, const struct pb_field *f, const struct pb_wire *w,
                        const char *where, int depth, json_t *obj)
{
        struct pb_reader r = {w->data, w->data + w->len};
        const uint8_t *key = (const uint8_t *)"";
        size_t keylen = 0;
        struct pb_wire val = {.data = (const uint8_t *)"", .len = 0};
        while (r.p < r.end) {
                struct pb_wire e;
                int ret = pb_next(c, &r, &e, where);
                if (ret < 0)
                        return ret;
                if (e.num > 2)
                        continue;
                if (e.wt != 2)
                        return pb_fail(c, "wrong wire type %u for map entry field %u in %s", e.wt,
                                       e.num, where);
                if (e.num == 1)
                        key = e.data, keylen = e.len;
                else
                        val = e;
        }
        _cleanup_json_ json_t *k = NULL, *v = NULL;
        int ret = pb_string(c, key, keylen, where, &k);
        if (ret < 0)
                return ret;
        ret = pb_value(c, f, &val, where, depth, &v);
        if (ret < 0)
                return ret;
        json_t *m = json_object_get(obj, f->name);
        if (!json_is_object(m)) {
                m = json_object();
                json_object_set_new(obj, f->name, m);
        }
        json_object_setn(m, json_string_value(k), json_string_length(k), v ? v : json_null());
        return 0;
}

static json_t *pb_list(json_t *obj, const char *name)
{
        json_t *a = json_object_get(obj, name);
        if (!json_is_array(a)) {
                a = json_array();
                json_object_set_new(obj, name, a);
        }
        return a;
}

static int pb_repeated(struct pb_ctx *c, const struct pb_field *f, const struct pb_wire *w,
                       const char *where, int depth, json_t *obj)
{
        json_t *a = pb_list(obj, f->name);
        if (f->type == PB_INT && w->wt == 2) { /* packed */
                struct pb_reader r = {w->data, w->data + w->len};
                while (r.p < r.end) {
                        uint64_t v;
                        int ret = pb_varint(c, &r, &v, where);
                        if (ret < 0)
                                return ret;
                        ret = pb_charge(c, 1, 0);
                        if (ret < 0)
                                return ret;
                        json_array_append_new(a, json_integer((json_int_t)(int64_t)v));
                }
                return 0;
        }
        if (w->wt != pb_wire_type(f->type))
                return pb_fail(c, "wrong wire type %u for field %s", w->wt, where);
        json_t *v;
        int ret = pb_value(c, f, w, where, depth, &v);
        if (ret < 0)
                return ret;
        json_array_append_new(a, v ? v : json_null());
        return 0;
}

static int pb_message(struct pb_ctx *c, unsigned id, const uint8_t *d, size_t n, json_t *obj,
                      int depth)
{
        const struct pb_msg *m = &pb_msgs[id];
        if (depth > PB_MAX_DEPTH)
                return pb_fail(c, "message nesting exceeds %d levels (at %s)", PB_MAX_DEPTH,
                               m->name);
        struct pb_reader r = {d, d + n};
        while (r.p < r.end) {
                struct pb_wire w;
                int ret = pb_next(c, &r, &w, m->name);
                if (ret < 0)
                        return ret;
                const struct pb_field *f = pb_lookup(m, w.num);
                if (!f)
                        continue;
                char where[128];
                snprintf(where, sizeof(where), "%s.%s", m->name, f->name);
                if (f->card == PB_REP) {
                        ret = pb_repeated(c, f, &w, where, depth, obj);
                } else if (f->card == PB_MAP) {
                        ret = w.wt == 2
                                  ? pb_map_entry(c, f, &w, where, depth, obj)
                                  : pb_fail(c, "wrong wire type %u for field %s", w.wt, where);
                } else if (w.wt != pb_wire_type(f->type)) {
                        ret = pb_fail(c, "wrong wire type %u for field %s", w.wt, where);
                } else if (f->type == PB_MESSAGE) {
                        /* Repeated occurrences of a message merge, as in protobuf; an
                         * inline (embedded) message decodes straight into its parent. */
                        json_t *sub = obj;
                        if (!(f->flags & PB_INLINE)) {
                                sub = json_object_get(obj, f->name);
                                if (!json_is_object(sub)) {
                                        ret = pb_charge(c, 1, 0);
                                        if (ret < 0)
                                                return ret;
                                        sub = json_object();
                                        json_object_set_new(obj, f->name, sub);
                                }
                        }
                        ret = pb_message(c, f->msg, w.data, w.len, sub, depth + 1);
                } else {
                        json_t *v;
                        ret = pb_value(c, f, &w, where, depth, &v);
                        if (ret < 0)
                                return ret;
                        if (!v || (pb_is_zero(v) && !(f->flags & PB_KEEP_ZERO) &&
                                   (f->type == PB_STRING || f->type == PB_INT ||
                                    f->type == PB_BOOL || f->type == PB_BYTES))) {
                                json_decref(v);
                                json_object_del(obj, f->name); /* last occurrence wins */
                        } else {
                                json_object_set_new(obj, f->name, v);
                        }
                }
                if (ret < 0)
                        return ret;
        }
        return 0;
}

/* ---- the envelope ----------------------------------------------------------------------- */

static const struct {
        const char *kind;
        unsigned msg;
} pb_kinds[] = {
    {"Namespace", PBM_Namespace}, {"ConfigMap", PBM_ConfigMap},
    {"Secret", PBM_Secret},       {"Job", PBM_Job},
    {"CronJob", PBM_CronJob},     {"Pod", PBM_Pod},
};

json_t *k8s_protobuf_decode(const uint8_t *data, size_t len, char *err, size_t errlen)
{
        struct pb_ctx c = {.err = err, .errlen = errlen};
        if (!data || len < PB_MAGIC_LEN || memcmp(data, PB_MAGIC, PB_MAGIC_LEN) != 0) {
                pb_fail(&c, "body does not start with the k8s\\x00 magic prefix");
                return NULL;
        }
        struct pb_reader r = {data + PB_MAGIC_LEN, data + len};
        struct pb_wire typemeta = {0}, raw = {0};
        bool have_typemeta = false;
        while (r.p < r.end) {
                struct pb_wire w;
                if (pb_next(&c, &r, &w, "Unknown") < 0)
                        return NULL;
                if (w.num > 4)
                        continue;
                if (w.wt != 2) {
                        pb_fail(&c, "wrong wire type %u for field %u in Unknown", w.wt, w.num);
                        return NULL;
                }
                if (w.num == 1)
                        typemeta = w, have_typemeta = true;
                else if (w.num == 2)
                        raw = w;
                else if (w.num == 3 && w.len > 0) {
                        pb_fail(&c, "unsupported contentEncoding \"%.*s\"",
                                (int)(w.len > 32 ? 32 : w.len), (const char *)w.data);
                        return NULL;
                }
        }
        if (!have_typemeta) {
                pb_fail(&c, "envelope has no typeMeta");
                return NULL;
        }
        _cleanup_json_ json_t *apiversion = NULL, *kind = NULL;
        r = (struct pb_reader){typemeta.data, typemeta.data + typemeta.len};
        while (r.p < r.end) {
                struct pb_wire w;
                if (pb_next(&c, &r, &w, "TypeMeta") < 0)
                        return NULL;
                if (w.num > 2)
                        continue;
                if (w.wt != 2) {
                        pb_fail(&c, "wrong wire type %u for field %u in TypeMeta", w.wt, w.num);
                        return NULL;
                }
                json_t **dst = w.num == 1 ? &apiversion : &kind;
                json_decref(*dst);
                *dst = NULL;
                if (pb_string(&c, w.data, w.len,
                              w.num == 1 ? "TypeMeta.apiVersion" : "TypeMeta.kind", dst) < 0)
                        return NULL;
        }
        if (!kind || json_string_length(kind) == 0) {
                pb_fail(&c, "envelope typeMeta has no kind");
                return NULL;
        }
        if (!apiversion || json_string_length(apiversion) == 0) {
                pb_fail(&c, "envelope typeMeta has no apiVersion");
                return NULL;
        }
        const char *k = json_string_value(kind);
        int id = -1;
        for (size_t i = 0; i < ARRAY_SIZE(pb_kinds); i++)
                if (streq(pb_kinds[i].kind, k))
                        id = (int)pb_kinds[i].msg;
        if (id < 0) {
                pb_fail(&c, "cannot decode kind \"%.64s\"", k);
                return NULL;
        }
        _cleanup_json_ json_t *obj = json_object();
        json_object_set(obj, "apiVersion", apiversion);
        json_object_set(obj, "kind", kind);
        if (raw.data && pb_message(&c, (unsigned)id, raw.data, raw.len, obj, 1) < 0)
                return NULL;
        return TAKE_PTR(obj);
}

/* ---- schema pruning (fieldValidation) -----------------------------------------------------
 * The same tables name every field a kind has, so they also answer "is this JSON field
 * known?" for fieldValidation=Strict/Warn/Ignore: unknown fields are reported with their
 * JSON path (as upstream's strict decoder does) and always dropped, because Kubernetes
 * never stores fields it does not know. */

static bool schema_field(unsigned msg, const char *name, const struct pb_field **ret, int depth)
{
        const struct pb_msg *m = &pb_msgs[msg];
        if (depth > 8)
                return false;
        for (size_t i = 0; i < m->nfields; i++) {
                const struct pb_field *f = &m->fields[i];
                if (f->flags & PB_INLINE) {
                        if (schema_field(f->msg, name, ret, depth + 1))
                                return true;
                        continue;
                }
                if (streq(f->name, name)) {
                        *ret = f;
                        return true;
                }
        }
        return false;
}

static void schema_walk(json_t *obj, unsigned msg, const char *path, json_t *unknown, int depth)
{
        if (!json_is_object(obj) || depth > JSON_MAX_DEPTH)
                return;
        const char *key;
        json_t *v;
        void *tmp;
        json_object_foreach_safe(obj, tmp, key, v)
        {
                if (depth == 0 && (streq(key, "apiVersion") || streq(key, "kind")))
                        continue;
                _cleanup_free_ char *p = path[0] ? xasprintf("%s.%s", path, key) : xstrdup(key);
                const struct pb_field *f = NULL;
                if (!schema_field(msg, key, &f, 0)) {
                        if (json_array_size(unknown) < 100)
                                json_array_append_new(unknown, json_string(p));
                        json_object_del(obj, key);
                        continue;
                }
                if (f->type != PB_MESSAGE)
                        continue;
                if (f->card == PB_ONE) {
                        schema_walk(v, f->msg, p, unknown, depth + 1);
                } else if (f->card == PB_REP && json_is_array(v)) {
                        json_t *e;
                        size_t i;
                        json_array_foreach(v, i, e)
                        {
                                _cleanup_free_ char *ep = xasprintf("%s[%zu]", p, i);
                                schema_walk(e, f->msg, ep, unknown, depth + 1);
                        }
                } else if (f->card == PB_MAP && json_is_object(v)) {
                        const char *mk;
                        json_t *mv;
                        json_object_foreach(v, mk, mv)
                        {
                                _cleanup_free_ char *mp = xasprintf("%s.%s", p, mk);
                                schema_walk(mv, f->msg, mp, unknown, depth + 1);
                        }
                }
        }
}

int k8s_schema_prune(json_t *obj, const char *kind, json_t *unknown)
{
        for (size_t i = 0; i < ARRAY_SIZE(pb_kinds); i++) {
                if (streq(pb_kinds[i].kind, kind)) {
                        schema_walk(obj, pb_kinds[i].msg, "", unknown, 0);
                        return 0;
                }
        }
        return -ENOENT;
}
