<#
.SYNOPSIS
    Repairs the MAML that PlatyPS 1.x exports from docs/, so that Get-Help renders it: example code
    in the code field, plain text instead of markdown, default values, and the module's version.

.DESCRIPTION
    Microsoft.PowerShell.PlatyPS 1.x writes the whole markdown of an example (its fenced code, its
    ```Output block and its explanation) into the example's introduction and leaves the code field
    empty, by design (PlatyPS issues #792 and #799); it keeps markdown markup (**bold**, `code`,
    [links](url)) in every paragraph; and it writes no default values. Get-Help then shows fences
    and asterisks, (Get-Help X).examples.example.code is empty, and "Default value" is blank.
    build.ps1 Docs runs this script on the exported file, after Export-MamlCommandHelp:

    - Examples are rebuilt from the EXAMPLES section of docs/<Command>.md, matched by position
      (the titles must agree): the first ```powershell block becomes dev:code; the prose and the
      ```Output block that follow become maml:remarks paragraphs, in the page's order, the output
      verbatim and the prose without markup; the introduction is left empty.
    - Every maml:para in the file loses its markdown markup: **bold** and `code` keep their text,
      a link keeps its text (and its address, when that is a web address, as the about topic does).
      Separator paragraphs that PlatyPS writes as U+0080 are dropped.
    - Each parameter gets dev:defaultValue, in command:parameters and in every syntax item, from
      the DefaultValue line of its yaml block in docs/<Command>.md.
    - dev:version of each command's details, and the 'Help Version' of the module page (the page of
      -DocsPath whose metadata says 'document type: module'), become -ModuleVersion.

    The script works from docs/ and the MAML alone, so running it twice gives the same file.

.EXAMPLE
    ./docs/Repair-MamlHelp.ps1 -Path ./Mman.PowerShell/en-US/Mman.PowerShell.dll-Help.xml -DocsPath ./docs -ModuleVersion 0.3.0
#>
[CmdletBinding()]
param(
    # The MAML file to repair, in place.
    [Parameter(Mandatory)]
    [string] $Path,

    # The folder of the markdown the MAML was exported from (<Command>.md pages and the module page).
    [Parameter(Mandatory)]
    [string] $DocsPath,

    # The module's version (ModuleVersion of the manifest).
    [Parameter(Mandatory)]
    [version] $ModuleVersion
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$ns = @{
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
}

. (Join-Path $PSScriptRoot 'MarkdownInline.ps1')

function Get-PageSection([string[]] $Lines, [string] $Name) {
    # The lines of one '## ' section of a markdown page, fences kept.
    $result = [Collections.Generic.List[string]]::new()
    $inCode = $false
    $inSection = $false
    foreach ($line in $Lines) {
        if ($line -match '^```') { $inCode = -not $inCode }
        if (-not $inCode -and $line -match '^## (.+)$') { $inSection = $Matches[1].Trim() -eq $Name; continue }
        if ($inSection) { $result.Add($line) }
    }
    return , $result.ToArray()
}

function Read-PageExample([string[]] $Lines) {
    # Each '### ' example: its title, its first ```powershell block, and the remarks that follow,
    # in order: an ```Output block verbatim, prose paragraphs without markup.
    $examples = [Collections.Generic.List[object]]::new()
    $current = $null
    $fence = $null
    $fenceLines = $null
    $paragraph = [Collections.Generic.List[string]]::new()
    $flush = {
        if ($paragraph.Count -gt 0 -and $null -ne $current) {
            $current.Remarks.Add((ConvertFrom-MarkdownInline ($paragraph -join "`n") -DropCodeSpans))
        }
        $paragraph.Clear()
    }
    foreach ($line in $Lines) {
        if ($null -ne $fence) {
            if ($line -ne '```') { $fenceLines.Add($line); continue }
            $text = $fenceLines -join "`n"
            if ($fence -eq 'powershell' -and $null -eq $current.Code) { $current.Code = $text }
            else { $current.Remarks.Add($text) }
            $fence = $null
            continue
        }
        if ($line -match '^### (.+)$') {
            & $flush
            $current = [pscustomobject]@{ Title = $Matches[1].Trim(); Code = $null; Remarks = [Collections.Generic.List[string]]::new() }
            $examples.Add($current)
            continue
        }
        if ($null -eq $current) { continue }
        if ($line -match '^```(.*)$') {
            & $flush
            $fence = $Matches[1].Trim()
            $fenceLines = [Collections.Generic.List[string]]::new()
            continue
        }
        if ($line.Trim() -eq '') { & $flush } else { $paragraph.Add($line) }
    }
    & $flush
    return , $examples.ToArray()
}

function Read-PageDefault([string[]] $Lines) {
    # Parameter name -> the DefaultValue of its yaml block.
    $defaults = @{}
    $name = $null
    $inYaml = $false
    foreach ($line in $Lines) {
        if ($line -match '^### -(\w+)\s*$') { $name = $Matches[1]; continue }
        if ($line -eq '```yaml') { $inYaml = $true; continue }
        if ($inYaml -and $line -eq '```') { $inYaml = $false; $name = $null; continue }
        if ($inYaml -and $name -and $line -match '^DefaultValue:\s*(.*)$') {
            $value = $Matches[1].Trim()
            if ($value -match "^'(.*)'$") { $value = $Matches[1] -replace "''", "'" }
            if ($value -ne '') { $defaults[$name] = $value }
        }
    }
    return $defaults
}

function Set-ChildText([Xml.XmlElement] $Parent, [string] $Prefix, [string] $Name, [string] $Text, [Xml.XmlNode] $After) {
    # Sets the text of the child element Prefix:Name, creating it after $After (or last) when missing.
    $child = $Parent.SelectSingleNode("${Prefix}:$Name", $script:Manager)
    if ($null -eq $child) {
        $child = $Parent.OwnerDocument.CreateElement($Prefix, $Name, $ns[$Prefix])
        if ($After) { $null = $Parent.InsertAfter($child, $After) } else { $null = $Parent.AppendChild($child) }
    }
    $child.InnerText = $Text
}

$xml = [xml]::new()
$xml.PreserveWhitespace = $false
$xml.Load([IO.Path]::GetFullPath($Path))
$script:Manager = [Xml.XmlNamespaceManager]::new($xml.NameTable)
foreach ($prefix in $ns.Keys) { $script:Manager.AddNamespace($prefix, $ns[$prefix]) }

foreach ($command in $xml.SelectNodes('//command:command', $script:Manager)) {
    $name = $command.SelectSingleNode('command:details/command:name', $script:Manager).InnerText.Trim()
    $page = Join-Path $DocsPath "$name.md"
    if (-not (Test-Path -LiteralPath $page)) { throw "No page '$page' for the command $name of '$Path'." }
    $lines = @(Get-Content -LiteralPath $page -Encoding utf8)

    # The examples, rebuilt from the page.
    $examples = Read-PageExample (Get-PageSection $lines 'EXAMPLES')
    $nodes = @($command.SelectNodes('command:examples/command:example', $script:Manager))
    if ($nodes.Count -ne $examples.Count) {
        throw "$name has $($nodes.Count) examples in '$Path' but $($examples.Count) in '$page': export the MAML again."
    }
    for ($i = 0; $i -lt $nodes.Count; $i++) {
        $node = $nodes[$i]
        $example = $examples[$i]
        $title = $node.SelectSingleNode('maml:title', $script:Manager)
        if ($title.InnerText -notmatch [regex]::Escape($example.Title)) {
            throw "Example $($i + 1) of $name is '$($title.InnerText)' in '$Path' but '$($example.Title)' in '$page'."
        }
        if ($null -eq $example.Code) { throw "Example '$($example.Title)' of '$page' has no ```powershell block." }
        foreach ($child in @($node.ChildNodes)) { if ($child -ne $title) { $null = $node.RemoveChild($child) } }
        $null = $node.AppendChild($xml.CreateElement('maml', 'introduction', $ns.maml))
        $code = $node.AppendChild($xml.CreateElement('dev', 'code', $ns.dev))
        $code.InnerText = $example.Code
        $remarks = $node.AppendChild($xml.CreateElement('dev', 'remarks', $ns.dev))
        foreach ($text in $example.Remarks) {
            $para = $remarks.AppendChild($xml.CreateElement('maml', 'para', $ns.maml))
            $para.InnerText = $text
        }
    }

    # Default values, where the page gives them.
    $defaults = Read-PageDefault (Get-PageSection $lines 'PARAMETERS')
    foreach ($parameter in $command.SelectNodes('.//command:parameter', $script:Manager)) {
        $parameterName = $parameter.SelectSingleNode('maml:name', $script:Manager).InnerText.Trim()
        if (-not $defaults.ContainsKey($parameterName)) { continue }
        Set-ChildText $parameter 'dev' 'defaultValue' $defaults[$parameterName] $parameter.SelectSingleNode('dev:type', $script:Manager)
    }

    # The help's version is the module's.
    $details = $command.SelectSingleNode('command:details', $script:Manager)
    Set-ChildText $details 'dev' 'version' $ModuleVersion.ToString() $null
}

# Markup out of every paragraph; PlatyPS's U+0080 line-break stand-ins out of the file.
foreach ($para in @($xml.SelectNodes('//maml:para', $script:Manager))) {
    if ($para.InnerText -eq [string][char]0x80) { $null = $para.ParentNode.RemoveChild($para); continue }
    # The remarks of examples were made above, their prose plain and their output verbatim.
    if ($para.ParentNode.LocalName -eq 'remarks' -and $para.ParentNode.ParentNode.LocalName -eq 'example') { continue }
    $para.InnerText = ConvertFrom-MarkdownInline $para.InnerText -DropCodeSpans
}

$settings = [Xml.XmlWriterSettings]::new()
$settings.Indent = $true
$settings.IndentChars = '  '
$settings.Encoding = [Text.UTF8Encoding]::new($false)
$settings.NewLineChars = "`n"
$writer = [Xml.XmlWriter]::Create([IO.Path]::GetFullPath($Path), $settings)
try { $xml.Save($writer) } finally { $writer.Dispose() }

# The module page's Help Version follows the module too.
foreach ($modulePage in Get-ChildItem -LiteralPath $DocsPath -Filter '*.md') {
    $text = [IO.File]::ReadAllText($modulePage.FullName)
    if ($text -notmatch '(?m)^document type: module\r?$') { continue }
    $updated = [regex]::Replace($text, '(?m)^Help Version: .*?(\r?)$', "Help Version: $ModuleVersion`$1")
    if ($updated -ne $text) { [IO.File]::WriteAllText($modulePage.FullName, $updated, [Text.UTF8Encoding]::new($false)) }
}
