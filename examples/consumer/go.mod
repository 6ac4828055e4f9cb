module github.com/cdktf-kms/cdktf-kms/examples/consumer

go 1.25.0

// A real consumer requires a released version instead.
replace github.com/cdktf-kms/cdktf-kms => ../../

require (
	github.com/aws/constructs-go/constructs/v10 v10.4.2
	github.com/aws/jsii-runtime-go v1.106.0
	github.com/cdktf-kms/cdktf-kms v0.0.0
	github.com/cdktf/cdktf-provider-aws-go/aws/v19 v19.50.0
	github.com/hashicorp/terraform-cdk-go/cdktf v0.20.11
)

require (
	github.com/Masterminds/semver/v3 v3.3.1 // indirect
	github.com/fatih/color v1.18.0 // indirect
	github.com/mattn/go-colorable v0.1.13 // indirect
	github.com/mattn/go-isatty v0.0.20 // indirect
	github.com/yuin/goldmark v1.4.13 // indirect
	golang.org/x/lint v0.0.0-20210508222113-6edffad5e616 // indirect
	golang.org/x/mod v0.25.0 // indirect
	golang.org/x/sync v0.18.0 // indirect
	golang.org/x/sys v0.28.0 // indirect
	golang.org/x/tools v0.28.0 // indirect
)
