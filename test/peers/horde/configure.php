<?php
/**
 * Writes Horde's configuration for the Horde test peer (run by up.sh as root, every start):
 * every app's /etc/horde/<app>/conf.php from its conf.xml with Horde's own generator
 * (Horde_Config, as the admin UI and webmail-install do), our values given as form variables
 * and everything else left at conf.xml's defaults; values conf.xml does not offer are appended
 * after the generated block. Plus the few files that are not conf.php (backends, prefs, hooks).
 * Input from the environment: PEER_DIR, HORDE_STATE, IMAP_PORT, SMTP_PORT, HORDE_EAS_VERSION
 * (highest EAS version offered), HORDE_PROVISIONING (none, loose or force).
 */

function env(string $name): string
{
    $value = getenv($name);
    if ($value === false || $value === '') {
        fwrite(STDERR, "configure.php: $name is not set\n");
        exit(1);
    }
    return $value;
}

$peer = env('PEER_DIR');
$state = env('HORDE_STATE');
$imapPort = (int)env('IMAP_PORT');
$smtpPort = (int)env('SMTP_PORT');
$easVersion = env('HORDE_EAS_VERSION');
$provisioning = env('HORDE_PROVISIONING');
if (!in_array($provisioning, ['none', 'loose', 'force'], true)) {
    fwrite(STDERR, "configure.php: HORDE_PROVISIONING must be none, loose or force\n");
    exit(1);
}

/** Writes a file only when its content changes (apache's PHP workers read these on every request). */
function put(string $file, string $content): void
{
    if (is_file($file) && file_get_contents($file) === $content) {
        return;
    }
    file_put_contents($file . '.new', $content);
    chmod($file . '.new', 0644);
    rename($file . '.new', $file);
    echo "wrote $file\n";
}

// Apps the peer does not use (files, bookmarks, filters): off, so that none of them runs at
// start-up (gollem's backends.php needs a configured database even to list its backends).
put('/etc/horde/horde/registry.local.php', <<<'PHP'
<?php
// Written by test/peers/horde/configure.php
foreach (['gollem', 'trean', 'ingo'] as $app) {
    $this->applications[$app]['status'] = 'inactive';
}

PHP);

// The registry needs a horde conf.php to start from (a broken one would stop us here): the
// packaged example with the database, until the generated one replaces it below.
exec('php -l /etc/horde/horde/conf.php 2>&1', $lint, $broken);
if ($broken) {
    put('/etc/horde/horde/conf.php', file_get_contents('/etc/horde/horde/conf.php.dist')
        . "\n\$conf['sql'] = array('phptype' => 'sqlite', 'database' => " . var_export("$state/horde.sqlite", true) . ");\n");
}
require_once '/usr/share/horde/lib/Application.php';
Horde_Registry::appInit('horde', ['cli' => true, 'authentication' => 'none', 'nocompress' => true]);

/** conf.php of $app: conf.xml's defaults, $form (form variable names: section__key) over them, then $extra. */
function config(string $app, array $form, string $extra = ''): string
{
    $config = new Horde_Config($app);
    // A "current configuration" with none of the keys: nothing of an earlier conf.php survives.
    $php = $config->generatePHPConfig(new Horde_Variables($form), ['eas_peer' => true]);
    // The generator keeps whatever followed the block in the old file: our extras of last time.
    $end = "/* CONFIG END. DO NOT CHANGE ANYTHING IN OR BEFORE THIS LINE. */\n";
    $php = substr($php, 0, strpos($php, $end) + strlen($end));
    return $php . ($extra === '' ? '' : "\n// Not offered by conf.xml (test/peers/horde/configure.php):\n" . $extra);
}

$sqlite = "$state/horde.sqlite";
$horde = [
    'debug_level' => 'E_ALL & ~E_DEPRECATED',
    'tmpdir' => "$state/tmp",
    'testdisable' => true,
    'use_ssl' => 0,
    // Fixed, so that conf.php changes only when a setting does.
    'secret_key' => 'eas-horde-test-peer-not-secret',
    'sql__phptype' => 'sqlite',
    'sql__database' => $sqlite,
    'sql__charset' => 'utf-8',
    // A user is whoever IMP can log in to IMAP with; every EAS request logs in with its credentials.
    'auth__driver' => 'application',
    'auth__params__app' => 'imp',
    'log__enabled' => 'true',
    'log__priority' => 'INFO',
    'log__type' => 'file',
    'log__name' => "$peer/logs/horde.log",
    'prefs__driver' => 'Sql',
    'alarms__driver' => 'Sql',
    'group__driver' => 'Sql',
    'perms__driver' => 'Sql',
    'share__driver' => 'Sqlng',
    'share__auto_create' => true,
    'cache__driver' => 'File',
    'cache__params__dir' => "$state/cache",
    'lock__driver' => 'Sql',
    'token__driver' => 'Sql',
    'history__driver' => 'Sql',
    'davstorage__driver' => 'Sql',
    'mailer__type' => 'smtp',
    'mailer__params__host' => '127.0.0.1',
    'mailer__params__port' => $smtpPort,
    'mailer__params__secure' => 'none',
    'mailer__params__auth' => 'false',
    'vfs__type' => 'File',
    'vfs__params__vfsroot' => "$state/vfs",
    'sessionhandler__type' => 'Builtin',
    'activesync__enabled' => 'true',
    'activesync__storage' => 'Sql',
    'activesync__emailsync' => true,
    'activesync__auth__type' => 'basic',
    'activesync__autodiscovery' => 'user',
    'activesync__outlookdiscovery' => 'false',
    'activesync__logging__type' => 'onefile',
    'activesync__logging__path' => "$peer/logs/activesync.log",
    'activesync__ping__deviceping' => 'true', // a switch: its case's name
    'activesync__ping__heartbeatmin' => 5,
    'activesync__ping__heartbeatmax' => 3540,
    'activesync__ping__heartbeatdefault' => 480,
    'activesync__ping__waitinterval' => 5,
];
// conf.xml offers 2.5 to 14.1; Horde_ActiveSync 2.41.9 knows 16.0. Level 2: protocol detail.
$hordeExtra = "\$conf['activesync']['version'] = " . var_export($easVersion, true) . ";\n"
    . "\$conf['activesync']['logging']['level'] = 2;\n";
put('/etc/horde/horde/conf.php', config('horde', $horde, $hordeExtra));

// The other apps: conf.xml's defaults (SQL storage through Horde's own database).
foreach (['imp', 'kronolith', 'turba', 'nag', 'mnemo', 'content'] as $app) {
    if (!is_file("/etc/horde/$app/conf.xml")) {
        continue;
    }
    $form = [];
    $extra = '';
    if ($app === 'turba') {
        // Search GAL reads this address book (below).
        $extra = "\$conf['gal']['addressbook'] = 'gal';\n";
    }
    put("/etc/horde/$app/conf.php", config($app, $form, $extra));
}

// IMP: the peer's dovecot; Trash as the trash folder (else it is a plain folder, type 12).
put('/etc/horde/imp/backends.local.php', <<<PHP
<?php
// Written by test/peers/horde/configure.php
\$servers['imap'] = array(
    'disabled' => false,
    'name' => 'Horde test peer IMAP',
    'hostspec' => '127.0.0.1',
    'hordeauth' => false,
    'protocol' => 'imap',
    'port' => $imapPort,
    'secure' => false,
    'maildomain' => 'example.test',
    'cache' => false,
);

PHP);
put('/etc/horde/imp/prefs.local.php', <<<'PHP'
<?php
// Written by test/peers/horde/configure.php
$_prefs['use_trash']['value'] = 1;
$_prefs['trash_folder']['value'] = 'Trash';

PHP);

// Turba: one address book per user (Debian's default is one shared by all), and the GAL: a
// read-only SQL source over a table of the users (seed.ts fills it).
put('/etc/horde/turba/backends.local.php', <<<'PHP'
<?php
// Written by test/peers/horde/configure.php
$cfgSources['localsql']['use_shares'] = true;
$cfgSources['gal'] = array(
    'disabled' => false,
    'title' => 'Example Org',
    'type' => 'sql',
    'params' => array('table' => 'eas_peer_gal'),
    'map' => array(
        '__key' => 'object_id',
        'name' => 'object_name',
        'firstname' => 'object_firstname',
        'lastname' => 'object_lastname',
        'alias' => 'object_alias',
        'email' => 'object_email',
        'workPhone' => 'object_workphone',
        'title' => 'object_title',
        'company' => 'object_company',
        'office' => 'object_office',
    ),
    'search' => array('name', 'email', 'alias', 'firstname', 'lastname'),
    'strict' => array('object_id'),
    'readonly' => true,
    'export' => true,
    'browse' => true,
);

PHP);

// Provisioning: none (Horde never asks), loose or force (HTTP 449 until a device provisions).
// The hook answers with Horde_ActiveSync's constants: false, 'loose', true.
$hookValue = ['none' => 'false', 'loose' => "'loose'", 'force' => 'true'][$provisioning];
put('/etc/horde/horde/hooks.php', <<<PHP
<?php
// Written by test/peers/horde/configure.php
class Horde_Hooks
{
    public function activesync_provisioning_check(\$device, \$user)
    {
        return $hookValue;
    }
}

PHP);
