; Inno Setup script for Plausch. UNTESTED SKETCH, see packaging/README.md.
;
; Build on Windows from the repository root:
;   cargo build --release
;   iscc packaging\windows\plausch.iss
; The installer is written to target\installer\.
;
; Installs per user by default (no admin rights needed); the profile with the
; config and message history lives in %APPDATA%\Plausch\Plausch\data and is
; not touched by the uninstaller.

#define AppName "Plausch"
#define AppVersion "0.1.0"
#define AppExe "plausch.exe"

[Setup]
AppId={{3F6B2C1E-8F4D-4B7A-9E2D-5C1A7D9B0E42}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=Plausch contributors
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Relative paths are relative to this script's directory.
SourceDir=..\..
OutputDir=target\installer
OutputBaseFilename=plausch-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\{#AppExe}
; SetupIconFile needs an .ico; convert assets\icons\org.plausch.Plausch.svg first.
;SetupIconFile=assets\icons\plausch.ico

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
Name: "german"; MessagesFile: "compiler:Languages\German.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "target\release\{#AppExe}"; DestDir: "{app}"; Flags: ignoreversion
Source: "README.md"; DestDir: "{app}"; Flags: ignoreversion isreadme

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
