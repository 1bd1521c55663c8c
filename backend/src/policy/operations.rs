//! Every operation of the Engine API v1.51, with the access it needs: the policy's data.
//!
//! One row per `operationId` of `reference/engine-api-v1.51.yaml`; the integration tests check
//! this table against the spec, operation by operation. `{name}` in image, distribution and
//! plugin paths may span several segments (`registry:5000/team/app`); every other parameter is
//! exactly one segment.

use super::Access;

/// One Engine API operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// The spec's `operationId`, such as `ContainerList`.
    pub id: &'static str,
    /// The HTTP method, upper-case.
    pub method: &'static str,
    /// The path template, such as `/containers/{id}/json`.
    pub path: &'static str,
    /// What a principal needs to be allowed this operation.
    pub access: Access,
}

/// Builds the table from rows of `operationId method "path" access`, one operation a line.
macro_rules! operations {
    ($($id:ident $method:ident $path:literal $access:ident,)*) => {
        &[$(Operation {
            id: stringify!($id),
            method: stringify!($method),
            path: $path,
            access: Access::$access,
        },)*]
    };
}

/// The operations, in the spec's order.
pub static OPERATIONS: &[Operation] = operations! {
    ContainerList            GET    "/containers/json"           Read,
    ContainerCreate          POST   "/containers/create"         Operate,
    ContainerInspect         GET    "/containers/{id}/json"      Read,
    ContainerTop             GET    "/containers/{id}/top"       Read,
    ContainerLogs            GET    "/containers/{id}/logs"      Read,
    ContainerChanges         GET    "/containers/{id}/changes"   Read,
    ContainerExport          GET    "/containers/{id}/export"    Download,
    ContainerStats           GET    "/containers/{id}/stats"     Read,
    ContainerResize          POST   "/containers/{id}/resize"    Exec,
    ContainerStart           POST   "/containers/{id}/start"     Operate,
    ContainerStop            POST   "/containers/{id}/stop"      Operate,
    ContainerRestart         POST   "/containers/{id}/restart"   Operate,
    ContainerKill            POST   "/containers/{id}/kill"      Operate,
    ContainerUpdate          POST   "/containers/{id}/update"    Operate,
    ContainerRename          POST   "/containers/{id}/rename"    Operate,
    ContainerPause           POST   "/containers/{id}/pause"     Operate,
    ContainerUnpause         POST   "/containers/{id}/unpause"   Operate,
    ContainerAttach          POST   "/containers/{id}/attach"    Exec,
    ContainerAttachWebsocket GET    "/containers/{id}/attach/ws" Exec,
    ContainerWait            POST   "/containers/{id}/wait"      Read,
    ContainerDelete          DELETE "/containers/{id}"           Operate,
    ContainerArchiveInfo     HEAD   "/containers/{id}/archive"   Read,
    ContainerArchive         GET    "/containers/{id}/archive"   Download,
    PutContainerArchive      PUT    "/containers/{id}/archive"   Operate,
    ContainerPrune           POST   "/containers/prune"          Operate,
    ImageList                GET    "/images/json"               Read,
    ImageBuild               POST   "/build"                     Operate,
    BuildPrune               POST   "/build/prune"               Operate,
    ImageCreate              POST   "/images/create"             Operate,
    ImageInspect             GET    "/images/{name}/json"        Read,
    ImageHistory             GET    "/images/{name}/history"     Read,
    ImagePush                POST   "/images/{name}/push"        Operate,
    ImageTag                 POST   "/images/{name}/tag"         Operate,
    ImageDelete              DELETE "/images/{name}"             Operate,
    ImageSearch              GET    "/images/search"             Read,
    ImagePrune               POST   "/images/prune"              Operate,
    SystemAuth               POST   "/auth"                      Operate,
    SystemInfo               GET    "/info"                      Read,
    SystemVersion            GET    "/version"                   Read,
    SystemPing               GET    "/_ping"                     Read,
    SystemPingHead           HEAD   "/_ping"                     Read,
    ImageCommit              POST   "/commit"                    Operate,
    SystemEvents             GET    "/events"                    Read,
    SystemDataUsage          GET    "/system/df"                 Read,
    ImageGet                 GET    "/images/{name}/get"         Download,
    ImageGetAll              GET    "/images/get"                Download,
    ImageLoad                POST   "/images/load"               Operate,
    ContainerExec            POST   "/containers/{id}/exec"      Exec,
    ExecStart                POST   "/exec/{id}/start"           Exec,
    ExecResize               POST   "/exec/{id}/resize"          Exec,
    ExecInspect              GET    "/exec/{id}/json"            Read,
    VolumeList               GET    "/volumes"                   Read,
    VolumeCreate             POST   "/volumes/create"            Operate,
    VolumeInspect            GET    "/volumes/{name}"            Read,
    VolumeUpdate             PUT    "/volumes/{name}"            Operate,
    VolumeDelete             DELETE "/volumes/{name}"            Operate,
    VolumePrune              POST   "/volumes/prune"             Operate,
    NetworkList              GET    "/networks"                  Read,
    NetworkInspect           GET    "/networks/{id}"             Read,
    NetworkDelete            DELETE "/networks/{id}"             Operate,
    NetworkCreate            POST   "/networks/create"           Operate,
    NetworkConnect           POST   "/networks/{id}/connect"     Operate,
    NetworkDisconnect        POST   "/networks/{id}/disconnect"  Operate,
    NetworkPrune             POST   "/networks/prune"            Operate,
    PluginList               GET    "/plugins"                   Read,
    GetPluginPrivileges      GET    "/plugins/privileges"        Read,
    PluginPull               POST   "/plugins/pull"              Admin,
    PluginInspect            GET    "/plugins/{name}/json"       Read,
    PluginDelete             DELETE "/plugins/{name}"            Admin,
    PluginEnable             POST   "/plugins/{name}/enable"     Admin,
    PluginDisable            POST   "/plugins/{name}/disable"    Admin,
    PluginUpgrade            POST   "/plugins/{name}/upgrade"    Admin,
    PluginCreate             POST   "/plugins/create"            Admin,
    PluginPush               POST   "/plugins/{name}/push"       Admin,
    PluginSet                POST   "/plugins/{name}/set"        Admin,
    NodeList                 GET    "/nodes"                     Read,
    NodeInspect              GET    "/nodes/{id}"                Read,
    NodeDelete               DELETE "/nodes/{id}"                Admin,
    NodeUpdate               POST   "/nodes/{id}/update"         Admin,
    SwarmInspect             GET    "/swarm"                     Read,
    SwarmInit                POST   "/swarm/init"                Admin,
    SwarmJoin                POST   "/swarm/join"                Admin,
    SwarmLeave               POST   "/swarm/leave"               Admin,
    SwarmUpdate              POST   "/swarm/update"              Admin,
    SwarmUnlockkey           GET    "/swarm/unlockkey"           Admin,
    SwarmUnlock              POST   "/swarm/unlock"              Admin,
    ServiceList              GET    "/services"                  Read,
    ServiceCreate            POST   "/services/create"           Operate,
    ServiceInspect           GET    "/services/{id}"             Read,
    ServiceDelete            DELETE "/services/{id}"             Operate,
    ServiceUpdate            POST   "/services/{id}/update"      Operate,
    ServiceLogs              GET    "/services/{id}/logs"        Read,
    TaskList                 GET    "/tasks"                     Read,
    TaskInspect              GET    "/tasks/{id}"                Read,
    TaskLogs                 GET    "/tasks/{id}/logs"           Read,
    SecretList               GET    "/secrets"                   Read,
    SecretCreate             POST   "/secrets/create"            Operate,
    SecretInspect            GET    "/secrets/{id}"              Read,
    SecretDelete             DELETE "/secrets/{id}"              Operate,
    SecretUpdate             POST   "/secrets/{id}/update"       Operate,
    ConfigList               GET    "/configs"                   Read,
    ConfigCreate             POST   "/configs/create"            Operate,
    ConfigInspect            GET    "/configs/{id}"              Read,
    ConfigDelete             DELETE "/configs/{id}"              Operate,
    ConfigUpdate             POST   "/configs/{id}/update"       Operate,
    DistributionInspect      GET    "/distribution/{name}/json"  Read,
    Session                  POST   "/session"                   Operate,
};

/// Routes the engine serves outside the spec, each with the operation whose handler serves it.
/// `DELETE /containers/{name}/{alias}?link=1` removes a legacy link between containers: the
/// engine routes it to the container-removal handler (the docker CLI's `rm --link` and
/// docker-py send it), so it is `ContainerDelete` and needs what removing a container needs.
pub static LEGACY_ROUTES: &[Operation] = operations! {
    ContainerDelete          DELETE "/containers/{id}/{alias}"   Operate,
};
